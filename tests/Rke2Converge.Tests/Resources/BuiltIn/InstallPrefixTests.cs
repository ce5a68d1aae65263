using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Rollout.Operations;
using Xunit;

namespace Rke2Converge.Tests.Resources.BuiltIn;

/// <summary>The install prefix follows rancher/rke2 install.sh: /usr/local, else /opt/rke2 when /usr/local is read-only, a mount point of its own, or rke2 is there already.</summary>
public sealed class InstallPrefixTests
{
    private static readonly ClusterModel Model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server)]);

    private static string Output(params string[] records) => string.Join('\n',
    [
        FactScript.Header,
        "managed-sysctl missing",
        "config missing",
        "pending missing",
        "rke2-version missing",
        .. records,
        "unit rke2-server 0  inactive",
        "unit rke2-agent 0  inactive",
        "os-release present " + Convert.ToBase64String("ID=debian\n"u8.ToArray()),
        "arch " + Convert.ToBase64String("x86_64"u8.ToArray()),
        "hostname " + Convert.ToBase64String("s1"u8.ToArray()),
        FactScript.Trailer,
    ]);

    [Fact]
    public void Without_a_prefix_record_the_tarball_goes_under_usr_local()
    {
        var facts = FactParser.Parse("s1", Output(), []);

        Assert.Equal("/usr/local", facts.InstallPrefix);
        Assert.Null(facts.InstallPrefixReason);
    }

    [Theory]
    [InlineData("read-only", "/usr/local is read-only")]
    [InlineData("installed", "rke2 is installed there")]
    [InlineData("mount-point", "/usr/local is a mount point of its own")]
    public void A_fallback_record_moves_the_install_to_opt_rke2_and_the_plan_says_why(string word, string reason)
    {
        var facts = FactParser.Parse("s1", Output($"install-prefix fallback {word}"), []);
        Assert.Equal("/opt/rke2", facts.InstallPrefix);
        Assert.Equal(reason, facts.InstallPrefixReason);

        var planner = new Planner("test", TestModels.Templates(), TestModels.Reveal);
        var desired = DesiredStateBuilder.Build(Model);
        var host = planner.Plan(desired, new Dictionary<string, HostFacts> { ["s1"] = TestModels.Converged(planner, desired[0]) with
        {
            InstalledVersion = null, InstallPrefix = facts.InstallPrefix, InstallPrefixReason = facts.InstallPrefixReason,
        } }).Hosts[0];

        var install = Assert.Single(host.Changes.OfType<InstallChange>());
        Assert.Equal("/opt/rke2", install.Prefix);
        Assert.EndsWith($"under /opt/rke2 ({reason})", install.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_reason_is_refused_naming_the_line()
    {
        var error = Assert.Throws<FactParseException>(() => FactParser.Parse("s1", Output("install-prefix fallback tmpfs"), []));
        Assert.Contains("install-prefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpacking_outside_usr_local_rewrites_the_units_and_moves_them_as_the_install_script_does()
    {
        var version = Rke2Version.Parse("v1.32.5+rke2r1");
        var fallback = InstallOperations.VerifyAndUnpack(version, "amd64", "/opt/rke2");
        var standard = InstallOperations.VerifyAndUnpack(version, "amd64");

        Assert.Equal("/opt/rke2", fallback.Arguments[2]);
        Assert.Equal("/usr/local", standard.Arguments[2]);
        Assert.Contains("sed -i \"s|/usr/local|$prefix|\"", fallback.Script, StringComparison.Ordinal);
        Assert.Contains("mv -f \"$prefix\"/lib/systemd/system/rke2-*.service /etc/systemd/system/", fallback.Script, StringComparison.Ordinal);
    }
}

/// <summary>Every day-2 command runs the rke2 the fact script found: /usr/local/bin/rke2, else /opt/rke2/bin/rke2.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FallbackBinaryTests
{
    // A private mount namespace whose /opt holds a fake rke2 that prints its arguments (/usr/local/bin/rke2 is absent here).
    private static readonly Tests.Remote.LocalShell OptHost = new("node-1",
        "mount -t tmpfs tmpfs /opt && mkdir -p /opt/rke2/bin && printf '#!/bin/sh\\necho opt-rke2 \"$@\"\\n' > /opt/rke2/bin/rke2 && chmod 0755 /opt/rke2/bin/rke2");

    public static TheoryData<string, string> Commands => new()
    {
        { "etcd-snapshot", "opt-rke2 etcd-snapshot save --name pre" },
        { "secrets-encrypt", "opt-rke2 secrets-encrypt status" },
        { "cluster-reset", "opt-rke2 server --cluster-reset --cluster-reset-restore-path=/snap/s1" },
    };

    private static Rke2Converge.Remote.RemoteCommand Command(string name) => name switch
    {
        "etcd-snapshot" => EtcdSnapshotOperations.Save("pre"),
        "secrets-encrypt" => Rke2Converge.KeyRotation.SecretsEncryptOperations.Run("status"),
        _ => Rke2Converge.Restore.RestoreOperations.ClusterReset("/snap/s1", TimeSpan.FromSeconds(30)),
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_host_with_rke2_under_opt_runs_that_one(string name, string expected)
    {
        var command = Command(name);
        Assert.Equal(Rke2Paths.Rke2Binary, command.Arguments[0]);

        var result = await OptHost.RunAsync(command, CancellationToken.None);

        Assert.True(result.Succeeded, result.Stderr);
        Assert.Equal(expected, result.Stdout.Trim());
    }

    [Fact]
    public async Task Without_either_the_command_fails_naming_usr_local()
    {
        var result = await new Tests.Remote.LocalShell("node-1", "mount -t tmpfs tmpfs /opt").RunAsync(EtcdSnapshotOperations.Save("pre"), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("/usr/local/bin/rke2", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}

using System.Runtime.Versioning;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Xunit;

namespace Rke2Converge.Tests.Remote;

public sealed class SshCommandLineTests
{
    private static readonly OpenSshOptions Options = new() { ControlDirectory = "/tmp/rke2c-test/cm" };

    private static SshCommandLine For(SshSettings ssh, string? knownHosts = null, string address = "10.0.0.5") =>
        new(new SshTarget("node-1", address, ssh, knownHosts), Options);

    private static readonly RemoteCommand Echo = new("say hello", "echo \"$1\"") { Arguments = ["hello world"] };

    [Fact]
    public void Always_uses_batch_mode_strict_host_keys_timeouts_and_multiplexing()
    {
        var arguments = For(new SshSettings()).ForCommand(Echo);

        Assert.Equal(
        [
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10",
            "-o", "ServerAliveInterval=15", "-o", "ControlMaster=auto", "-o", "ControlPath=/tmp/rke2c-test/cm/MASTER",
            "-o", "ControlPersist=300s", "-T", "--", "10.0.0.5",
        ], arguments.Take(arguments.Count - 1).Select(a => System.Text.RegularExpressions.Regex.Replace(a, "/[0-9a-f]{24}$", "/MASTER")));
    }

    [Fact]
    public void Leaves_user_port_identity_and_known_hosts_to_ssh_config_when_unset()
    {
        var arguments = For(new SshSettings()).ConnectionArguments();

        Assert.DoesNotContain("-l", arguments);
        Assert.DoesNotContain("-p", arguments);
        Assert.DoesNotContain("-i", arguments);
        Assert.DoesNotContain(arguments, a => a.StartsWith("UserKnownHostsFile=", StringComparison.Ordinal));
        Assert.DoesNotContain(arguments, a => a.StartsWith("IdentitiesOnly", StringComparison.Ordinal));
    }

    [Fact]
    public void Passes_user_port_identity_and_known_hosts_when_set()
    {
        var arguments = For(new SshSettings("deploy", 2222, "/keys/id_ed25519"), "/lab/known_hosts").ConnectionArguments();

        AssertPair(arguments, "-l", "deploy");
        AssertPair(arguments, "-p", "2222");
        AssertPair(arguments, "-i", "/keys/id_ed25519");
        Assert.Contains("IdentitiesOnly=yes", arguments);
        Assert.Contains("UserKnownHostsFile=/lab/known_hosts", arguments);
    }

    [Fact]
    public void A_master_opened_under_other_pinned_keys_or_another_identity_is_never_reused()
    {
        static string ControlPath(string? knownHosts, string? identity) => For(new SshSettings(IdentityFile: identity), knownHosts)
            .ConnectionArguments().Single(a => a.StartsWith("ControlPath=", StringComparison.Ordinal));

        Assert.Equal(ControlPath("/lab/known_hosts", "/k/id"), ControlPath("/lab/known_hosts", "/k/id"));
        Assert.NotEqual(ControlPath("/lab/known_hosts", "/k/id"), ControlPath("/other/known_hosts", "/k/id"));
        Assert.NotEqual(ControlPath("/lab/known_hosts", "/k/id"), ControlPath("/lab/known_hosts", "/k/other"));
        Assert.NotEqual(ControlPath(null, null), ControlPath("/lab/known_hosts", null));
        Assert.NotEqual(
            For(new SshSettings(), null, "10.0.0.5").ConnectionArguments().Single(a => a.StartsWith("ControlPath=", StringComparison.Ordinal)),
            For(new SshSettings(), null, "10.0.0.6").ConnectionArguments().Single(a => a.StartsWith("ControlPath=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Quotes_option_values_with_spaces_and_escapes_percent_signs()
    {
        var commandLine = new SshCommandLine(
            new SshTarget("n", "h", new SshSettings(IdentityFile: "/k/100%key"), "/my files/known hosts"),
            new OpenSshOptions { ControlDirectory = "/tmp/a b" });
        var arguments = commandLine.ConnectionArguments();

        Assert.Contains("UserKnownHostsFile=\"/my files/known hosts\"", arguments);
        Assert.Matches("^ControlPath=\"/tmp/a b/[0-9a-f]{24}\"$", arguments.Single(a => a.StartsWith("ControlPath=", StringComparison.Ordinal)));
        AssertPair(arguments, "-i", "/k/100%%key");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("root", false)]
    [InlineData("deploy", true)]
    public void Uses_passwordless_sudo_only_for_a_named_non_root_user(string? user, bool sudo)
    {
        var line = For(new SshSettings(user)).RemoteCommandLine(Echo);

        Assert.Equal(sudo, line.StartsWith("sudo -n timeout ", StringComparison.Ordinal));
        if (!sudo) Assert.StartsWith("timeout ", line);
    }

    [Theory]
    [InlineData(60.0, "60")]
    [InlineData(1.2, "2")]
    [InlineData(0.1, "1")]
    [InlineData(600.0, "600")]
    public void Remote_timeout_is_the_command_timeout_rounded_up(double seconds, string expected)
    {
        var command = Echo with { Timeout = TimeSpan.FromSeconds(seconds) };

        var line = For(new SshSettings("root")).RemoteCommandLine(command);

        Assert.StartsWith($"timeout -k 5 {expected} sh -c ", line);
    }

    [Fact]
    public void Remote_command_is_the_last_argument_after_the_address()
    {
        var arguments = For(new SshSettings(), address: "-oProxyCommand=evil").ForCommand(Echo);

        Assert.Equal("--", arguments[^3]);
        Assert.Equal("-oProxyCommand=evil", arguments[^2]);
        Assert.Equal(For(new SshSettings()).RemoteCommandLine(Echo), arguments[^1]);
    }

    [Fact]
    public void Remote_command_line_delivers_script_and_hostile_arguments_intact_through_a_real_shell()
    {
        File.Delete("/tmp/rke2c-quote-pwned");
        var command = new RemoteCommand("echo args", "printf '%s\\0' \"$0\" \"$@\"") { Arguments = HostileStrings.All };
        var line = For(new SshSettings("root")).RemoteCommandLine(command);

        // The login shell on the node parses this line exactly like this local one does.
        var output = LocalProcess.Run("/bin/bash", ["-c", line]);

        Assert.Equal(0, output.ExitCode);
        Assert.Equal(["rke2c", .. HostileStrings.All], LocalProcess.NulSeparated(output.Stdout));
        Assert.False(File.Exists("/tmp/rke2c-quote-pwned"));
    }

    [Fact]
    public void Control_requests_target_the_same_master_as_commands()
    {
        var commandLine = For(new SshSettings("root", 2222));

        var arguments = commandLine.ForControl("exit");

        Assert.Equal([.. commandLine.ConnectionArguments(), "-O", "exit", "--", "10.0.0.5"], arguments);
    }

    [Fact]
    public void Default_control_directory_is_short_per_user_and_per_network_namespace()
    {
        var uid = LocalProcess.RunChecked("id", "-u").StdoutText.Trim();
        // "net:[4026531840]": a master opened in another namespace (a test lab with the same addresses) reaches other hosts.
        var network = LocalProcess.RunChecked("readlink", "/proc/self/ns/net").StdoutText.Trim()["net:[".Length..^1];

        var directory = OpenSshOptions.DefaultControlDirectory();

        Assert.Equal($"/tmp/rke2c-{uid}/cm-{network}", directory);
        // Socket path = directory + "/" + 40 hex chars + ssh's 17-char temporary suffix; unix limit is 104+.
        Assert.True(directory.Length + 1 + 40 + 17 < 104);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void Factory_merges_node_settings_over_playbook_defaults()
    {
        var directory = Path.Combine(Path.GetTempPath(), "rke2c-cl-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var factory = new OpenSshShellFactory(new OpenSshOptions { ControlDirectory = directory });
            var node = new NodeSpec("n1", "192.0.2.1", NodeRole.Agent, new SshSettings(Port: 2200),
                new Dictionary<string, string>(), new ConfigMap(), null);

            var shell = (OpenSshShell)factory.Open(node, new SshSettings("admin", 22, "/keys/k"), "/kh");

            Assert.Equal(new SshSettings("admin", 2200, "/keys/k"), shell.CommandLine.Target.Ssh);
            Assert.Equal("/kh", shell.CommandLine.Target.KnownHostsFile);
            Assert.Equal("n1", shell.NodeName);
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertPair(IReadOnlyList<string> arguments, string flag, string value)
    {
        var index = arguments.ToList().IndexOf(flag);
        Assert.True(index >= 0, $"{flag} missing");
        Assert.Equal(value, arguments[index + 1]);
    }
}

using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Resources;
using Rke2Converge.Tests.Playbooks;

namespace Rke2Converge.Tests.Resources;

/// <summary>Resources declared from a real playbook: scopes merge like Config, and bad input is an error at file:line.</summary>
public sealed class ResourcePlaybookTests : IDisposable
{
    private const string Head = """
        Cluster("c").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("T"));
        Server("s1", "127.0.0.1");
        Agent("a1", "127.0.0.2");

        """;

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private async Task<ClusterModel> LoadAsync(string body)
    {
        var result = await _workspace.Loader().LoadAsync(_workspace.Write("site.csx", Head + body), CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Model!;
    }

    [Fact]
    public async Task Cluster_role_and_node_scopes_merge_with_the_narrowest_winning()
    {
        var model = await LoadAsync("""
            File("/etc/motd", "cluster\n");
            Role(NodeRole.Agent).File("/etc/motd", "agents\n");
            Node("s1").File("/etc/motd", "s1\n").Restarts();
            Manifest("cfg", "a: 1\n");
            KernelModule("br_netfilter");
            Registries().Mirror("docker.io", new[] { "https://m.test" });
            EnvFile().Set("HTTP_PROXY", "http://proxy:3128");
            Role(NodeRole.Server).SystemdDropIn("limits", "[Service]\nLimitNOFILE=65536\n");
            Package("nfs-common");
            Command("echo hi > /root/hi", name: "hi").Creates("/root/hi");
            Gates.Custom("dns", "getent hosts kubernetes", expect: "kubernetes", timeout: TimeSpan.FromSeconds(30));
            """);
        Assert.DoesNotContain(new ModelValidator().Validate(model), p => p.Severity == Severity.Error);
        var desired = DesiredStateBuilder.Build(model).ToDictionary(d => d.Name);
        string Motd(string node) => (string)desired[node].Resources.OfType<FileResource>().Single().Content!;
        Assert.Equal("s1\n", Motd("s1"));
        Assert.Equal("agents\n", Motd("a1"));
        Assert.Contains(desired["s1"].Resources, r => r is ManifestResource);
        Assert.DoesNotContain(desired["a1"].Resources, r => r is ManifestResource or SystemdDropInResource);
        Assert.Equal(
            ["command hi", "env-file", "file /etc/motd", "kernel-module br_netfilter", "manifest cfg.yaml", "package nfs-common", "registries", "systemd-drop-in limits.conf"],
            desired["s1"].Resources.Select(r => r.Key).Order(StringComparer.Ordinal));
        var gate = Assert.Single(model.Gates.Custom);
        Assert.Equal(("dns", "kubernetes", TimeSpan.FromSeconds(30)), (gate.Name, gate.Expect, gate.Timing.Timeout));
    }

    [Theory]
    [InlineData("File(\"etc/relative\", \"x\");", "file etc/relative: path must be absolute")]
    [InlineData("File(\"/etc/x\", \"x\", mode: \"rw-r--r--\");", "mode 'rw-r--r--' is not octal")]
    [InlineData("File(\"/etc/x\");", "needs content (or .Absent())")]
    [InlineData("Registries().Mirror(\"docker.io\", new[] { \"ftp://m\" });", "endpoint 'ftp://m' is not an http(s) URL")]
    [InlineData("Registries().Config(\"m:5000\", username: \"u\", password: \"plain\");", "password must be a Secret")]
    [InlineData("Manifest(\"cfg\", \"a: [1\");", "manifest cfg.yaml: invalid YAML")]
    [InlineData("Role(NodeRole.Agent).Manifest(\"cfg\", \"a: 1\");", "does not belong on role agent")]
    [InlineData("EnvFile().Set(\"HTTP-PROXY\", \"x\");", "'HTTP-PROXY' is not a variable name")]
    [InlineData("SystemdDropIn(\"limits\", \"LimitNOFILE=1\");", "must start with a [Section] header")]
    [InlineData("KernelModule(\"../evil\");", "kernel-module ../evil: '../evil' must be letters")]
    [InlineData("Package(\"-oDebug::x\");", "no slash, space or leading dash")]
    [InlineData("Command(\"rm -rf /tmp/x\");", "needs .Unless(check) or .Creates(path)")]
    [InlineData("File(\"/etc/x\", \"a\");\nFile(\"/etc/x\", \"b\");", "file /etc/x is declared twice")]
    public async Task Bad_resources_are_errors_at_the_declaring_line(string body, string expected)
    {
        var model = await LoadAsync(body);
        var problem = Assert.Single(new ModelValidator().Validate(model), p => p.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(Severity.Error, problem.Severity);
        Assert.Equal("site.csx", Path.GetFileName(problem.At!.File));
        Assert.Equal(Head.Split('\n').Length + body.Split('\n').Length - 1, problem.At.Line);
    }

    [Fact]
    public async Task A_bad_custom_gate_is_refused_at_its_line()
    {
        var result = await _workspace.Loader().LoadAsync(_workspace.Write("site.csx", Head + "Gates.Custom(\"dns\", \"\");\n"), CancellationToken.None);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Contains("custom gate 'dns' has an empty command", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(4, diagnostic.Line);
    }

    [Fact]
    public async Task Resource_secrets_are_resolved_up_front_like_the_token()
    {
        var model = await LoadAsync("Registries().Config(\"m:5000\", username: \"u\", password: Secret.FromEnv(\"RKE2C_TEST_SURELY_UNSET_PW\"));");
        var problems = new SecretResolver(_ => { }).ResolveAll(model with { Token = null });
        Assert.Contains(problems, p => p.Contains("registries: secret env:RKE2C_TEST_SURELY_UNSET_PW cannot be read", StringComparison.Ordinal));
    }
}

using Rke2Converge.Model;
using Rke2Converge.Playbooks;
using Xunit;

namespace Rke2Converge.Tests.Playbooks;

public sealed class PlaybookLanguageTests : IDisposable
{
    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("Server(\"s1\", \"127.0.0.1\"); Agent(\"a1\", \"127.0.0.2\");", new[] { "s1" })]
    [InlineData("Server(\"s1\", \"127.0.0.1\"); Etcd(\"e2\", \"127.0.0.2\");", new string[0])]
    public async Task OnlyALoneServerNeedsNoJoinOrder(string nodes, string[] expected)
    {
        var path = _workspace.Write("site.csx", $"Cluster(\"c\").Version(\"v1.32.5+rke2r1\").Token(Secret.FromEnv(\"T\"));\n{nodes}\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(expected, result.Model!.JoinOrder);
    }

    [Fact]
    public async Task EverySettingOfTheLanguageReachesTheModel()
    {
        const string Playbook = """
            Cluster("lab").Version(Env("RKE2C_TEST_UNSET_VERSION", "v1.31.9+rke2r1")).Token(Secret.FromFile("secrets/token"));
            Ssh(user: "root", port: 2222, key: "~/.ssh/id_ed25519", transport: SshTransport.SshNet);
            KnownHosts("state/known_hosts");
            Artifacts.FromDirectory("artifacts");
            Gates.All(timeout: TimeSpan.FromMinutes(1), poll: TimeSpan.FromMilliseconds(250));
            Gates.NodeReady(timeout: TimeSpan.FromMinutes(3), poll: TimeSpan.FromSeconds(1));
            Gates.SettleWindow(TimeSpan.FromSeconds(10));
            AgentBatchPercent(25);
            ConfigDropIns.Remove();
            Sysctl("net.ipv4.ip_forward", true);
            Sysctl("vm.swappiness", 0.5);
            Config["cni"] = "canal";
            Role(NodeRole.Agent).Config["node-label"] = new[] { "tier=agent" };
            Config["agent-token"] = Secret.FromEnv("AGENT_TOKEN");
            Server("s1", "127.0.0.1").Sysctl("net.ipv4.ip_forward", 0).Ssh(user: "admin", key: "keys/s1");
            Agent("a1", "127.0.0.2");
            Node("a1").Config["node-label"] = new List<string> { "tier=edge" };
            Node("a1").Config["kubelet-arg"] = new Dictionary<string, object> { ["max-pods"] = 200 };
            JoinOrder("s1");
            """;
        var path = _workspace.Write("site.csx", Playbook);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var model = result.Model;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal("v1.31.9+rke2r1", model.VersionText);
        Assert.Equal($"file:{Path.Join(_workspace.Root, "secrets", "token")}", model.Token?.Describe());
        Assert.Equal(new SshSettings("root", 2222, Path.Join(home, ".ssh", "id_ed25519")), model.SshDefaults);
        Assert.Equal(SshTransport.SshNet, model.Transport);
        Assert.Equal(Path.Join(_workspace.Root, "state", "known_hosts"), model.KnownHostsFile);
        Assert.Equal(new ArtifactSource.LocalDirectory(Path.Join(_workspace.Root, "artifacts")), model.Artifacts);
        Assert.Equal(new GateTiming(TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(250)), model.Gates.EtcdHealth);
        Assert.Equal(new GateTiming(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(1)), model.Gates.NodeReady);
        Assert.Equal(TimeSpan.FromSeconds(10), model.Gates.SettleWindow);
        Assert.Equal(3, model.AgentBatching.SizeFor(9));
        Assert.Equal(ConfigDropInPolicy.Remove, model.ConfigDropIns);

        var s1 = model.Node("s1");
        Assert.Equal(new SshSettings("admin", null, Path.Join(_workspace.Root, "keys", "s1")), s1.Ssh);
        Assert.Equal(new SshSettings("admin", 2222, Path.Join(_workspace.Root, "keys", "s1")), s1.Ssh.Over(model.SshDefaults));
        Assert.Equal("1", model.Sysctls["net.ipv4.ip_forward"]);
        Assert.Equal("0.5", model.Sysctls["vm.swappiness"]);
        Assert.Equal("0", model.SysctlsFor(s1)["net.ipv4.ip_forward"]);
        Assert.Equal("1", model.SysctlsFor(model.Node("a1"))["net.ipv4.ip_forward"]);

        Assert.False(model.ConfigFor(s1).ContainsKey("node-label"));
        var a1 = model.ConfigFor(model.Node("a1"));
        Assert.Equal(["tier=edge"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(a1["node-label"]));
        Assert.Equal(200L, Assert.IsType<ConfigMap>(a1["kubelet-arg"])["max-pods"]);
        Assert.Equal("canal", a1["cni"]);
        Assert.Equal("env:AGENT_TOKEN", Assert.IsAssignableFrom<SecretSource>(a1["agent-token"]).Describe());
    }

    [Fact]
    public void MirrorArtifactsAndAgentBatchCount()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Artifacts.FromMirror("https://mirror.example/rke2/releases/download");
        p.AgentBatch(4);

        var model = p.ToModel();

        Assert.Equal(new ArtifactSource.Mirror(new Uri("https://mirror.example/rke2/releases/download")), model.Artifacts);
        Assert.Equal(4, model.AgentBatching.SizeFor(100));
    }

    [Fact]
    public void ConfigDropInsFailByDefaultAndTheLastChoiceWins()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        Assert.Equal(ConfigDropInPolicy.Fail, p.ToModel().ConfigDropIns);

        p.ConfigDropIns.Keep();
        Assert.Equal(ConfigDropInPolicy.Keep, p.ToModel().ConfigDropIns);
        p.ConfigDropIns.Remove();
        p.ConfigDropIns.Fail();
        Assert.Equal(ConfigDropInPolicy.Fail, p.ToModel().ConfigDropIns);
    }

    [Theory]
    [InlineData("ftp://mirror.example/x")]
    [InlineData("relative/path")]
    public void MirrorMustBeAnAbsoluteHttpUrl(string url)
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        var error = Assert.Throws<PlaybookException>(() => p.Artifacts.FromMirror(url));
        Assert.NotNull(error.At);
        Assert.EndsWith(".cs", error.At.File, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidSettingsAreRejectedWithTheirLine()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        Assert.Throws<PlaybookException>(() => p.AgentBatch(0));
        Assert.Throws<PlaybookException>(() => p.AgentBatchPercent(101));
        Assert.Throws<PlaybookException>(() => p.KeepBackups(0));
        Assert.Throws<PlaybookException>(() => p.Gates.NodeReady(timeout: TimeSpan.Zero));
        Assert.Throws<PlaybookException>(() => p.Env("RKE2C_TEST_SURELY_UNSET_VARIABLE"));
        Assert.Throws<PlaybookException>(() => p.Node("missing"));
        var error = Assert.Throws<PlaybookException>(() => p.Config["x"] = new Uri("https://example.com"));
        Assert.Contains("config key 'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoleDeclarationsApplyOnlyToThatRole()
    {
        var path = _workspace.Write("site.csx", """
            Role(NodeRole.EtcdOnly).Config["etcd-expose-metrics"] = true;
            Role(NodeRole.Server).Config["cni"] = "cilium";
            Etcd("e1", "127.0.0.1"); Server("s1", "127.0.0.2"); Agent("a1", "127.0.0.3");
            """);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var model = result.Model;
        Assert.Equal(true, model.ConfigFor(model.Node("e1"))["etcd-expose-metrics"]);
        Assert.Null(model.ConfigFor(model.Node("s1"))["etcd-expose-metrics"]);
        Assert.Equal("cilium", model.ConfigFor(model.Node("s1"))["cni"]);
        Assert.False(model.ConfigFor(model.Node("a1")).ContainsKey("cni"));
    }

    [Fact]
    public void SecretsNeverRevealTheirValueThroughToString()
    {
        const string Variable = "RKE2C_TEST_SECRET_VALUE";
        Environment.SetEnvironmentVariable(Variable, "s3cr3t-value");
        try
        {
            var fromEnv = SecretSource.FromEnv(Variable);
            var file = _workspace.Write("token", "f1le-s3cr3t\n");
            var fromFile = SecretSource.FromFile(file);

            Assert.Equal($"env:{Variable}", fromEnv.ToString());
            Assert.Equal($"file:{file}", fromFile.ToString());
            Assert.DoesNotContain("s3cr3t", $"{fromEnv} {fromFile}", StringComparison.Ordinal);
            var value = fromEnv.Resolve();
            Assert.Equal("(sensitive)", value.ToString());
            Assert.Equal("(sensitive)", $"{value}");
            Assert.Equal("s3cr3t-value", value.Reveal());
            Assert.Equal("f1le-s3cr3t", fromFile.Resolve().Reveal());
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }

    [Fact]
    public void SecretsInConfigPrintTheirSourceOnly()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Config["agent-token"] = p.Secret.FromEnv("AGENT_TOKEN");
        Assert.Equal("env:AGENT_TOKEN", p.ToModel().Config["agent-token"]?.ToString());
    }
}

using Rke2Converge.Model;
using Xunit;

namespace Rke2Converge.Tests.Playbooks;

public sealed class SamplePlaybookTests : IDisposable
{
    private const string Sample = """
        Cluster("prod").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
        Sysctl("vm.overcommit_memory", 1); Sysctl("kernel.panic", 10); Sysctl("kernel.panic_on_oops", 1);
        Config["protect-kernel-defaults"] = true;
        Config["tls-san"] = new[] { "k8s.example.com" };
        Etcd("etcd-1", "10.0.0.11"); Etcd("etcd-2", "10.0.0.12"); Etcd("etcd-3", "10.0.0.13");
        ControlPlane("cp-1", "10.0.1.11"); ControlPlane("cp-2", "10.0.1.12");
        Agent("worker-1", "10.0.2.11").Config["node-label"] = new[] { "pool=a" };
        JoinOrder("etcd-1", "etcd-2", "etcd-3", "cp-1", "cp-2");
        """;

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task SampleBuildsTheObviousModel()
    {
        var path = _workspace.Write("site.csx", Sample);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var model = result.Model;
        Assert.Equal("prod", model.Name);
        Assert.Equal("v1.32.5+rke2r1", model.VersionText);
        Assert.Equal(new Rke2Version(1, 32, 5, 1), model.Version);
        Assert.Equal("env:RKE2_TOKEN", model.Token?.Describe());
        Assert.Equal(path, model.PlaybookPath);
        Assert.Equal(
            new Dictionary<string, string> { ["vm.overcommit_memory"] = "1", ["kernel.panic"] = "10", ["kernel.panic_on_oops"] = "1" },
            model.Sysctls);
        Assert.Equal(
            [("etcd-1", NodeRole.EtcdOnly), ("etcd-2", NodeRole.EtcdOnly), ("etcd-3", NodeRole.EtcdOnly),
             ("cp-1", NodeRole.ControlPlaneOnly), ("cp-2", NodeRole.ControlPlaneOnly), ("worker-1", NodeRole.Agent)],
            model.Nodes.Select(n => (n.Name, n.Role)));
        Assert.Equal("10.0.1.12", model.Node("cp-2").Address);
        Assert.Equal(["etcd-1", "etcd-2", "etcd-3", "cp-1", "cp-2"], model.JoinOrder);
        Assert.Equal(new SourceLocation("site.csx", 8), Relative(model.JoinOrderDeclaredAt));

        var worker = model.ConfigFor(model.Node("worker-1"));
        Assert.Equal(["protect-kernel-defaults", "tls-san", "node-label"], worker.Keys);
        Assert.Equal(true, worker["protect-kernel-defaults"]);
        Assert.Equal(["k8s.example.com"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(worker["tls-san"]));
        Assert.Equal(["pool=a"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(worker["node-label"]));
        var etcd = model.ConfigFor(model.Node("etcd-1"));
        Assert.False(etcd.ContainsKey("node-label"));
        Assert.Equal(
            ["etcd-1", "etcd-2", "etcd-3", "cp-1", "cp-2", "worker-1"],
            model.RolloutOrder().Select(n => n.Name));
        Assert.Equal(new SourceLocation("site.csx", 6), Relative(model.Node("cp-1").DeclaredAt));
        Assert.Equal(new SourceLocation("site.csx", 7), Relative(model.Sites.Config(SettingScope.ForNode("worker-1"), "node-label")));
        Assert.Equal(new SourceLocation("site.csx", 2), Relative(model.Sites.Sysctl(SettingScope.Cluster, "kernel.panic")));
    }

    // The loader shows paths relative to the current directory when inside it; tests run elsewhere, so compare file names.
    private static SourceLocation? Relative(SourceLocation? at) => at is null ? null : at with { File = Path.GetFileName(at.File) };
}

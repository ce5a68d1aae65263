using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;

namespace Rke2Converge.Tests.Templates;

/// <summary>
/// The built-in templates render byte for byte what the Handlebars templates they replaced rendered (the files under
/// Golden/ were captured from them): a changed rendering would show as drift on every converged cluster.
/// </summary>
public sealed class RenderingGoldenTests
{
    private static readonly ClusterModel Model = TestModels.Cluster(
    [
        TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
        TestModels.Node("e2", "10.0.0.2", NodeRole.EtcdOnly, sysctls: new() { ["fs.inotify.max_user_instances"] = "8192" }),
        TestModels.Node("c3", "10.0.0.3", NodeRole.ControlPlaneOnly),
        TestModels.Node("a4", "10.0.0.4", NodeRole.Agent, new ConfigMap
        {
            ["node-label"] = new[] { "pool=a", "tier=web" },
            ["node-taint"] = new[] { "CriticalAddonsOnly=true:NoExecute" },
            ["kubelet-arg"] = new[] { "max-pods=250", "eviction-hard=memory.available<500Mi" },
        }),
    ], config: new ConfigMap
    {
        ["protect-kernel-defaults"] = true,
        ["tls-san"] = new[] { "k8s.example.com", "10.0.0.100", "*.example.com" },
        ["write-kubeconfig-mode"] = "0644",
        ["cni"] = "canal",
        ["etcd-snapshot-retention"] = 5,
        ["selinux"] = false,
        ["disable"] = new[] { "rke2-ingress-nginx" },
        ["data-dir"] = "/var/lib/rancher/rke2",
        ["kube-apiserver-arg"] = new[] { "audit-log-path=/var/log/audit.log", "enable-admission-plugins=NodeRestriction,PodSecurity" },
        ["cluster-cidr"] = "10.42.0.0/16",
        ["etcd-expose-metrics"] = "true",
        ["node-ip"] = "",
        ["quoted"] = "it's \"quoted\": yes # not a comment",
    });

    private static readonly ClusterModel Lone = TestModels.Cluster([TestModels.Node("only", "192.168.1.5", NodeRole.Server)]) with
    {
        Name = "lab-1",
        Sysctls = new Dictionary<string, string>(),
    };

    public static TheoryData<string> Cases() => ["s1", "e2", "c3", "a4", "only"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Config_yaml_renders_as_before(string node) =>
        Assert.Equal(Golden($"{node}.config.yaml"), PlannerFor(node).RenderConfigFile(Desired(node)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sysctl_file_renders_as_before(string node) =>
        Assert.Equal(Golden($"{node}.sysctl.conf"), PlannerFor(node).RenderSysctlFile(Desired(node)));

    private static ClusterModel ModelOf(string node) => node == "only" ? Lone : Model;

    private static Planner PlannerFor(string node) => new(ModelOf(node).Name, TestModels.Templates(), TestModels.Reveal);

    private static NodeDesiredState Desired(string node) => DesiredStateBuilder.Build(ModelOf(node)).Single(n => n.Name == node);

    private static string Golden(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Templates", "Golden", name));
}

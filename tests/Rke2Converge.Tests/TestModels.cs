using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Templates;

namespace Rke2Converge.Tests;

/// <summary>Small builders shared by unit tests: a cluster model without going through a playbook, and facts.</summary>
internal static class TestModels
{
    public const string Token = "s3cr3t-token-value-42";

    public static readonly SecretSource TokenSource = SecretSource.FromEnv("RKE2C_TEST_TOKEN_UNUSED");

    public static string Reveal(SecretSource source) => Token;

    public static NodeSpec Node(string name, string address, NodeRole role, ConfigMap? config = null, Dictionary<string, string>? sysctls = null) =>
        new(name, address, role, new SshSettings(), sysctls ?? [], config ?? new ConfigMap(), null);

    public static ClusterModel Cluster(IReadOnlyList<NodeSpec> nodes, string version = "v1.32.5+rke2r1", ConfigMap? config = null) => new()
    {
        Name = "test",
        PlaybookPath = "test.csx",
        VersionText = version,
        Token = TokenSource,
        Sysctls = new Dictionary<string, string> { ["vm.swappiness"] = "10" },
        Config = config ?? new ConfigMap(),
        Nodes = nodes,
        JoinOrder = [.. nodes.Where(n => n.Role.IsServer()).Select(n => n.Name)],
    };

    public static TemplateRenderer Templates() => TemplateRenderer.BuiltIn;

    /// <summary>Facts of a node that already is exactly as desired, built from the planner's own renderings.</summary>
    public static HostFacts Converged(Planner planner, NodeDesiredState node) => new()
    {
        Node = node.Name,
        Sysctls = node.Sysctls.ToDictionary(e => e.Key, e => (string?)e.Value),
        ManagedSysctlFile = planner.RenderSysctlFile(node),
        ConfigYaml = planner.RenderConfigFile(node),
        InstalledVersion = node.Version.ToString(),
        ServerService = node.Role.IsServer() ? new ServiceFacts("rke2-server", true, true, "active") : ServiceFacts.Missing("rke2-server"),
        AgentService = node.Role.IsServer() ? ServiceFacts.Missing("rke2-agent") : new ServiceFacts("rke2-agent", true, true, "active"),
        Arch = "amd64",
    };

    public static HostFacts FreshHost(string node, IEnumerable<string> sysctlKeys) => new()
    {
        Node = node,
        Sysctls = sysctlKeys.ToDictionary(key => key, key => (string?)"0"),
        ServerService = ServiceFacts.Missing("rke2-server"),
        AgentService = ServiceFacts.Missing("rke2-agent"),
        Arch = "amd64",
    };
}

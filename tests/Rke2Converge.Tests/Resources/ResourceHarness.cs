using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Remote;
using Rke2Converge.Resources;
using Rke2Converge.Tests.Remote;

namespace Rke2Converge.Tests.Resources;

/// <summary>
/// One node on this machine, seen through the real fact script and changed by the real steps, inside a private
/// mount namespace per command whose /etc/rancher and /var/lib/rancher are a temp directory's: the machine is never touched.
/// </summary>
internal sealed class ResourceHarness : IDisposable
{
    public const string Secret = "hunter2-registry-password";

    public ResourceHarness(NodeRole role = NodeRole.Server)
    {
        Root = Directory.CreateTempSubdirectory("rke2c-resources-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "etc-rancher"));
        Directory.CreateDirectory(Path.Combine(Root, "var-lib-rancher"));
        Shell = new LocalShell("node-1",
            $"mount --bind {ShellQuote.Quote(Root)}/etc-rancher /etc/rancher && mount --bind {ShellQuote.Quote(Root)}/var-lib-rancher /var/lib/rancher");
        Node = TestModels.Node("node-1", "127.0.0.1", role);
    }

    public string Root { get; }

    public LocalShell Shell { get; }

    public NodeSpec Node { get; }

    public static string Reveal(SecretSource source) => source == TestModels.TokenSource ? TestModels.Token : Secret;

    /// <summary>Where a path under /etc/rancher or /var/lib/rancher lives on this machine.</summary>
    public string Local(string path) =>
        path.StartsWith("/etc/rancher/", StringComparison.Ordinal) ? Path.Combine(Root, "etc-rancher", path["/etc/rancher/".Length..])
        : path.StartsWith("/var/lib/rancher/", StringComparison.Ordinal) ? Path.Combine(Root, "var-lib-rancher", path["/var/lib/rancher/".Length..])
        : throw new ArgumentException($"{path} is outside the harness", nameof(path));

    /// <summary>The playbook's <c>KeepBackups(n)</c>.</summary>
    public int BackupsKept { get; init; } = Rke2Converge.Rollout.Operations.FileOperations.DefaultBackupsKept;

    public async Task<HostPlan> PlanAsync(params Resource[] resources) => (await ClusterPlanAsync(resources)).Hosts[0];

    public async Task<ClusterPlan> ClusterPlanAsync(params Resource[] resources)
    {
        var model = TestModels.Cluster([Node]) with { Resources = [.. resources.Select(r => new ScopedResource(r, SettingScope.Cluster))], BackupsKept = BackupsKept };
        var desired = DesiredStateBuilder.Build(model);
        var facts = await new FactGatherer().GatherAsync(
            [new FactRequest(Node, Shell, [.. desired[0].Sysctls.Keys]) { Resources = desired[0].Resources }], CancellationToken.None);
        return new Planner("test", TestModels.Templates(), Reveal).Plan(desired, facts);
    }

    public async Task<IReadOnlyList<ResourceChange>> ChangesAsync(params Resource[] resources) =>
        [.. (await PlanAsync(resources)).Changes.OfType<ResourceChange>()];

    /// <summary>Runs every step of the changes, in order, as the resources phase does.</summary>
    public async Task ApplyAsync(IEnumerable<ResourceChange> changes)
    {
        foreach (var step in changes.SelectMany(change => change.Steps)) await Shell.RunCheckedAsync(step, CancellationToken.None);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

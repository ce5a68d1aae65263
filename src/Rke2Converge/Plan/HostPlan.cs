using Rke2Converge.Facts;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;

namespace Rke2Converge.Plan;

/// <summary>What will change on one node, and anything that prevents it (a downgrade, say).</summary>
internal sealed record HostPlan(NodeDesiredState Desired, HostFacts Facts, IReadOnlyList<Change> Changes, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    public string Node => Desired.Name;

    public bool HasChanges => Changes.Count > 0;

    /// <summary>
    /// Differences the playbook has not said how to handle (a drop-in fighting it under <c>ConfigDropIns.Fail()</c>):
    /// drift for the plan, and apply refuses to run until the playbook decides.
    /// </summary>
    public IReadOnlyList<string> Unresolved { get; init; } = [];

    /// <summary>The node differs from the playbook: changes apply would make, or differences it needs a decision on.</summary>
    public bool HasDrift => HasChanges || Unresolved.Count > 0;

    /// <summary>What apply runs on this node, in order (set once the rollout's steps are derived from the plan).</summary>
    public IReadOnlyList<Steps.PlannedStep> Steps { get; init; } = [];

    /// <summary>Outside <c>--limit</c>: read for the safety checks, never changed; its changes wait in <see cref="HeldBack"/>.</summary>
    public bool NotInLimit { get; init; }

    /// <summary>The changes a node outside <c>--limit</c> would have had: shown, not run.</summary>
    public IReadOnlyList<Change> HeldBack { get; init; } = [];

    public T? Find<T>() where T : Change => Changes.OfType<T>().FirstOrDefault();

    /// <summary>Starting or restarting the service, which is what puts the node through the readiness gates.</summary>
    public bool TouchesService => Find<ServiceChange>() is { Action: not ServiceAction.None };

    /// <summary>A new service process: a start or a restart, not just another look at the gates.</summary>
    public bool StartsService => Find<ServiceChange>() is { Action: ServiceAction.Start or ServiceAction.Restart or ServiceAction.RotateCertificates or ServiceAction.Reboot };
}

/// <summary>The plan for the whole cluster, hosts in rollout order.</summary>
internal sealed record ClusterPlan(string Cluster, Model.Rke2Version Version, IReadOnlyList<HostPlan> Hosts, IReadOnlyList<string> Notes)
{
    /// <summary>What prevents the rollout but belongs to no one host (missing release artifacts, say).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public bool HasDrift => Hosts.Any(host => host.HasDrift);

    public bool HasProblems => Problems.Count > 0 || Hosts.Any(host => host.Problems.Count > 0);

    /// <summary>
    /// This plan cut down to <paramref name="nodes"/>, in that order, each with one service change and nothing else:
    /// how a day-2 operation (key rotation, restore) starts or restarts nodes through the rollout and its gates.
    /// </summary>
    public ClusterPlan WithOnlyServiceChange(IEnumerable<string> nodes, ServiceAction action, string reason)
    {
        var hosts = Hosts.ToDictionary(h => h.Node, StringComparer.Ordinal);
        return this with
        {
            Hosts = [.. nodes.Select(name => hosts[name] with
            {
                Changes = [new ServiceChange(hosts[name].Desired.ServiceName, action, false, reason)],
                Problems = [],
                Unresolved = [],
                Notes = [],
                Steps = [],
            })],
            Notes = [],
            Problems = [],
            RolloutOrder = [],
        };
    }

    /// <summary>
    /// This plan cut down to <paramref name="nodes"/>, in that order, each keeping only the changes <paramref name="keep"/>
    /// selects, for the rollout to derive its steps from again: how a restore into new nodes converges its first server
    /// without the start, then the rest of the playbook with that server's start only.
    /// </summary>
    public ClusterPlan WithChanges(IEnumerable<string> nodes, Func<HostPlan, Change, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var hosts = Hosts.ToDictionary(h => h.Node, StringComparer.Ordinal);
        return this with
        {
            Hosts = [.. nodes.Select(name => hosts[name] with { Changes = [.. hosts[name].Changes.Where(change => keep(hosts[name], change))], Steps = [] })],
            RolloutOrder = [],
        };
    }

    /// <summary>Some host has differences apply will not touch until the playbook decides (see <see cref="HostPlan.Unresolved"/>).</summary>
    public bool HasUnresolved => Hosts.Any(host => host.Unresolved.Count > 0);

    /// <summary>The nodes in the order apply converges them (set with the steps); empty means <see cref="Hosts"/> order.</summary>
    public IReadOnlyList<string> RolloutOrder { get; init; } = [];

    /// <summary>The <c>--limit</c> the plan was made under; null when every node may change.</summary>
    public string? Limit { get; init; }

    public int ChangedHosts => Hosts.Count(host => host.HasDrift);

    public int NotInLimitHosts => Hosts.Count(host => host.NotInLimit);

    /// <summary>Hosts that were read and match: a host with a problem (an unreachable one included) is not "unchanged".</summary>
    public int UnchangedHosts => Hosts.Count(host => !host.HasDrift && host.Problems.Count == 0 && !host.NotInLimit);
}

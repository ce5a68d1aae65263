using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;

namespace Rke2Converge.Plan.Limit;

/// <summary>
/// Narrows a plan made from every host's facts to the nodes <c>--limit</c> selects. The others keep their facts (the
/// order, version and readiness checks read them) but lose their changes, so no step is derived for them. A limit
/// that would break the rollout order is a plan problem, so apply refuses before any host is touched.
/// </summary>
internal static class LimitedPlan
{
    public static ClusterPlan Apply(ClusterPlan plan, NodeLimit limit)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(limit);
        var inLimit = plan.Hosts.Where(host => limit.Matches(host.Desired.Node)).Select(host => host.Node).ToHashSet(StringComparer.Ordinal);
        var refusals = Refusals(plan, inLimit, limit.Text);
        return plan with
        {
            Hosts = [.. plan.Hosts.Select(host => inLimit.Contains(host.Node) ? host : Outside(host))],
            Problems = [.. plan.Problems, .. refusals],
            Limit = limit.Text,
        };
    }

    /// <summary>
    /// A node outside the limit: no changes, so no steps. Its problems become notes, except that a server which could
    /// not be read stays a problem: the order and version checks cannot do without it.
    /// </summary>
    private static HostPlan Outside(HostPlan host)
    {
        var unreadServer = host.Desired.Role.IsServer() && host.Facts.InstalledVersion is null && host.Problems.Any(p => p.StartsWith("unreachable", StringComparison.Ordinal));
        var notes = host.Notes.Concat(unreadServer ? [] : host.Problems.Concat(host.Unresolved).Select(p => $"not in --limit, left as is: {p}"));
        if (host.HasChanges) notes = notes.Append($"not in --limit: {host.Changes.Count} change(s) left for a run that includes it");
        return host with
        {
            Changes = [],
            HeldBack = host.Changes,
            Problems = unreadServer ? [.. host.Problems.Select(p => $"{p} (a server outside --limit must still be read: the order and version checks need it)")] : [],
            Unresolved = [],
            Notes = [.. notes],
            NotInLimit = true,
        };
    }

    private static List<string> Refusals(ClusterPlan plan, HashSet<string> inLimit, string limit)
    {
        var refusals = new List<string>();
        bool In(HostPlan host) => inLimit.Contains(host.Node);
        var servers = plan.Hosts.Where(host => host.Desired.Role.IsServer()).ToList();
        if (servers.Count == 0) return refusals;
        var bootstrap = servers[0];

        // Joins go in join order: a server may only join once every server before it has, or joins in the same run.
        for (var i = 1; i < servers.Count; i++)
        {
            if (!In(servers[i]) || !Starts(servers[i])) continue;
            var missing = servers.Take(i).Where(earlier => !In(earlier) && !Running(earlier)).Select(earlier => earlier.Node).ToList();
            if (missing.Count > 0)
            {
                refusals.Add($"--limit {limit}: {servers[i].Node} would join before {string.Join(", ", missing)}, which come(s) first in JoinOrder, "
                    + $"{(missing.Contains(bootstrap.Node) ? "bootstrap(s) the cluster, " : "")}are not running and are not in --limit. Add them to --limit or leave {servers[i].Node} out.");
            }
        }
        var agents = plan.Hosts.Where(host => host.Desired.Role == NodeRole.Agent && In(host)).ToList();
        foreach (var agent in agents.Where(Starts))
        {
            if (!In(bootstrap) && !Running(bootstrap))
            {
                refusals.Add($"--limit {limit}: {agent.Node} would join before the bootstrap server {bootstrap.Node} is up; {bootstrap.Node} is not running "
                    + "and is not in --limit. Add it to --limit.");
            }
        }

        // Upgrades go servers first: no agent may run a newer release than a server left behind.
        var behind = servers.Where(server => !In(server) && server.Find<InstallChange>() is { From: not null }).Select(server => server.Node).ToList();
        var agentsInstalling = agents.Where(agent => agent.Find<InstallChange>() is not null).Select(agent => agent.Node).ToList();
        if (behind.Count > 0 && agentsInstalling.Count > 0)
        {
            refusals.Add($"--limit {limit}: {string.Join(", ", agentsInstalling)} would get {plan.Version} while {string.Join(", ", behind)} still run(s) an older "
                + "release and are not in --limit; servers are upgraded before agents. Upgrade the servers first (--limit servers).");
        }

        // An etcd-only node passes node Ready only once a control plane is up.
        var controlPlaneUp = plan.Hosts.Any(host => host.Desired.Role.CarriesControlPlane() && (Running(host) || (In(host) && host.TouchesService)));
        if (!controlPlaneUp)
        {
            foreach (var etcd in servers.Where(server => In(server) && server.Desired.Role == NodeRole.EtcdOnly && Starts(server)))
            {
                refusals.Add($"--limit {limit}: {etcd.Node} (etcd only) cannot pass its node Ready gate until a control-plane node is up; none is running "
                    + "and none is in --limit. Add one to --limit.");
            }
        }
        return refusals;
    }

    private static bool Running(HostPlan host) => (host.Desired.Role.IsServer() ? host.Facts.ServerService : host.Facts.AgentService).IsActive;

    private static bool Starts(HostPlan host) => host.Find<ServiceChange>() is { Action: ServiceAction.Start };
}

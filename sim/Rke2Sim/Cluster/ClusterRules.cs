namespace Rke2Sim.Cluster;

public enum ReadyStatus
{
    True,
    False,
    Unknown,
}

/// <summary>
/// The membership and health rules of the cluster, as pure functions over <see cref="ClusterState"/>.
/// etcd allows one learner at a time (etcd <c>membership: too many learner members in cluster</c>, max-learners 1);
/// a joiner that meets another's learner, or etcd's "unhealthy cluster" right after a promotion, waits and retries
/// (k3s-io/k3s#7000, #7351).
/// </summary>
public static class ClusterRules
{
    public const string TooManyLearnersError = "etcdserver: too many learner members in cluster";

    public const string UnhealthyClusterError = "etcdserver: unhealthy cluster";

    /// <summary>
    /// How long etcd answers "unhealthy cluster" to a membership change after a promotion: a member counts as started
    /// only once it has been connected for a while (etcd <c>server.go</c>, <c>isReadyToAddVotingMember</c> and
    /// <c>numConnectedSince</c>); about a second in practice, as rke2-facts.md notes.
    /// </summary>
    public static readonly TimeSpan UnhealthyAfterPromotion = TimeSpan.FromSeconds(1);

    /// <summary>Another server's etcd learner, which etcd's limit of one learner makes a new joiner wait for.</summary>
    public static string? JoinBlocker(ClusterState state, string node) =>
        state.EtcdMembers.FirstOrDefault(m => m.IsLearner && m.Name != node)?.Name;

    public static AddMemberOutcome AddMember(ClusterState state, string node, string peerUrl, bool needsApiServerAddress, DateTimeOffset now) =>
        AddMember(state, node, peerUrl, needsApiServerAddress, now, UnhealthyAfterPromotion);

    public static AddMemberOutcome AddMember(ClusterState state, string node, string peerUrl, bool needsApiServerAddress, DateTimeOffset now, TimeSpan unhealthyAfterPromotion)
    {
        if (state.EtcdMembers.Any(m => m.Name == node)) return AddMemberOutcome.AlreadyMember;
        if (JoinBlocker(state, node) is not null) return AddMemberOutcome.TooManyLearners;
        if (state.LastPromotionAt is { } promoted && now - promoted < unhealthyAfterPromotion) return AddMemberOutcome.UnhealthyCluster;
        state.EtcdMembers.Add(new EtcdMember { Name = node, PeerUrl = peerUrl, IsLearner = true, AddedAt = now });
        state.JoinsInProgress[node] = new JoinRecord { Node = node, NeedsApiServerAddress = needsApiServerAddress, StartedAt = now };
        return AddMemberOutcome.AddedAsLearner;
    }

    /// <summary>The first etcd member of a new cluster is a voter from the start.</summary>
    public static void AddFounder(ClusterState state, string node, string peerUrl, DateTimeOffset now)
    {
        if (state.EtcdMembers.Any(m => m.Name == node)) return;
        state.EtcdMembers.Add(new EtcdMember { Name = node, PeerUrl = peerUrl, IsLearner = false, AddedAt = now });
    }

    public static bool Promote(ClusterState state, string node) => Promote(state, node, null);

    public static bool Promote(ClusterState state, string node, DateTimeOffset? now)
    {
        var member = state.EtcdMembers.FirstOrDefault(m => m.Name == node);
        if (member is null) return false;
        if (member.IsLearner && now is not null) state.LastPromotionAt = now;
        member.IsLearner = false;
        CompleteJoinIfDone(state, node);
        return true;
    }

    public static void RegisterApiServer(ClusterState state, string node, string address)
    {
        state.ApiServerAddresses[node] = address;
        CompleteJoinIfDone(state, node);
    }

    private static void CompleteJoinIfDone(ClusterState state, string node)
    {
        if (!state.JoinsInProgress.TryGetValue(node, out var join)) return;
        var promoted = state.EtcdMembers.FirstOrDefault(m => m.Name == node) is not { IsLearner: true };
        var addressDone = !join.NeedsApiServerAddress || state.ApiServerAddresses.ContainsKey(node);
        if (promoted && addressDone) state.JoinsInProgress.Remove(node);
    }

    public static bool IsFresh(NodeRecord node, DateTimeOffset now, TimeSpan grace) =>
        node.LastReport is { Phase: not NodePhase.Stopped } && now - node.LastSeen <= grace;

    public static bool EtcdMemberHealthy(ClusterState state, string member, DateTimeOffset now, TimeSpan grace) =>
        state.Nodes.TryGetValue(member, out var node) && IsFresh(node, now, grace) && node.LastReport!.EtcdRunning;

    /// <summary>etcd has quorum when more than half of its voting members are up.</summary>
    public static bool HasQuorum(ClusterState state, DateTimeOffset now, TimeSpan grace)
    {
        var voters = state.EtcdMembers.Where(m => !m.IsLearner).ToList();
        if (voters.Count == 0) return false;
        var healthy = voters.Count(m => EtcdMemberHealthy(state, m.Name, now, grace));
        return healthy * 2 > voters.Count;
    }

    /// <summary>
    /// The node's Ready condition: unknown once the kubelet stopped posting status for longer than the grace period,
    /// false while the kubelet runs but the node is not ready, true otherwise.
    /// </summary>
    public static ReadyStatus NodeReady(NodeRecord node, DateTimeOffset now, TimeSpan grace)
    {
        if (node.RegisteredAt is null || node.LastReport is null) return ReadyStatus.Unknown;
        if (now - node.LastSeen > grace) return ReadyStatus.Unknown;
        if (node.LastReport.Phase == NodePhase.Stopped) return ReadyStatus.True;
        return node.LastReport.KubeletRunning ? ReadyStatus.True : ReadyStatus.False;
    }

    /// <summary>Merges a node's report into the state.</summary>
    public static void ApplyReport(ClusterState state, NodeReport report, DateTimeOffset now)
    {
        // A kubelet registers its node only when it starts: after `kubectl delete node` the running one keeps
        // failing to post status ("node not found") until it is restarted, and then registers again.
        if (state.DeletedNodes.TryGetValue(report.Node, out var deletedAt))
        {
            if (report.ProcessStartedAt <= deletedAt) return;
            state.DeletedNodes.Remove(report.Node);
        }
        if (!state.Nodes.TryGetValue(report.Node, out var node))
        {
            node = new NodeRecord { Name = report.Node };
            state.Nodes[report.Node] = node;
        }
        node.Address = report.Address;
        node.Roles = report.Roles;
        node.Version = report.Version;
        node.LastReport = report;
        node.LastSeen = now;
        if (report.KubeletRunning && node.RegisteredAt is null)
        {
            // Like the kubelet, labels and taints from the config are applied only when the node object is created.
            node.RegisteredAt = now;
            node.Labels = report.Labels;
            node.Taints = report.Taints;
        }
    }

    /// <summary>
    /// etcd's strict reconfiguration check (server.mayRemoveMember): a learner or a member that is down may go; the
    /// last voter may not; an active voter may go only if the active voters left still form a quorum of the voters
    /// left. Returns etcd's error text, or null.
    /// </summary>
    public static string? MayRemoveMember(ClusterState state, string member, DateTimeOffset now, TimeSpan grace)
    {
        var target = state.EtcdMembers.FirstOrDefault(m => m.Name == member);
        if (target is null || target.IsLearner) return null;
        var voters = state.EtcdMembers.Where(m => !m.IsLearner).ToList();
        if (voters.Count <= 1) return "etcdserver: re-configuration failed due to not enough started members";
        if (!EtcdMemberHealthy(state, member, now, grace)) return null;
        var active = voters.Count(m => EtcdMemberHealthy(state, m.Name, now, grace));
        return active - 1 < 1 + (voters.Count - 1) / 2 ? "etcdserver: unhealthy cluster" : null;
    }
}

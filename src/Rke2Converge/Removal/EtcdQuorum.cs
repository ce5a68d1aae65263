namespace Rke2Converge.Removal;

/// <summary>
/// Whether removing one etcd voter keeps quorum, by etcd's own strict reconfiguration rule (server.mayRemoveMember):
/// the last voter cannot go; a voter that is down can (it is not part of the active quorum); a healthy voter can go
/// only if the healthy voters left are still a majority of the voters left, 1 + (n-1)/2 of n-1.
/// </summary>
internal static class EtcdQuorum
{
    /// <summary>Null when the removal is safe, else why not.</summary>
    public static string? Refusal(IReadOnlyCollection<string> voters, IReadOnlyCollection<string> healthy, string target)
    {
        ArgumentNullException.ThrowIfNull(voters);
        ArgumentNullException.ThrowIfNull(healthy);
        if (!voters.Contains(target)) return null;
        if (voters.Count <= 1) return $"{target} is the only etcd member: removing it would destroy the cluster's data store";
        if (!healthy.Contains(target)) return null;
        var left = voters.Count - 1;
        var healthyLeft = healthy.Count(h => h != target && voters.Contains(h));
        var needed = Needed(left);
        if (healthyLeft >= needed) return null;
        var down = voters.Where(v => v != target && !healthy.Contains(v)).Order(StringComparer.Ordinal).ToList();
        return $"removing {target} would leave {left} etcd members of which {healthyLeft} healthy, and etcd needs {needed} for quorum"
            + (down.Count > 0 ? $" ({string.Join(", ", down)} down: bring it back, or remove it first)" : "");
    }

    /// <summary>The majority of <paramref name="members"/> voters.</summary>
    public static int Needed(int members) => members / 2 + 1;
}

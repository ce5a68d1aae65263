using System.Globalization;
using System.Text.RegularExpressions;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

/// <summary>
/// <c>kubectl cordon|uncordon|drain NODE</c>, run with the admin kubeconfig on a server that runs the API server
/// (agents have no credentials that may evict pods). Drain always passes <c>--ignore-daemonsets</c>: DaemonSet pods
/// would come straight back, and kubectl refuses to drain without it when there are any.
/// </summary>
internal static partial class DrainOperations
{
    // cordon and uncordon are idempotent, so a moment without an API server (a kube-apiserver restarting right after
    // its node's start, as RKE2's does) is waited out: six tries, 5 s apart.
    private const string Retried = """
        i=0
        while :; do
          if out=$("$1" --kubeconfig "$2" --request-timeout=30s "$4" "$3" 2>&1); then echo "$out"; exit 0; fi
          i=$((i + 1))
          if [ "$i" -ge 6 ]; then echo "$out" >&2; exit 1; fi
          sleep 5
        done
        """;

    public static RemoteCommand Cordon(string node) =>
        new($"kubectl cordon {node}", Retried) { Arguments = [Rke2Paths.Kubectl, Rke2Paths.AdminKubeconfig, node, "cordon"], Timeout = TimeSpan.FromMinutes(4) };

    public static RemoteCommand Uncordon(string node) =>
        new($"kubectl uncordon {node}", Retried) { Arguments = [Rke2Paths.Kubectl, Rke2Paths.AdminKubeconfig, node, "uncordon"], Timeout = TimeSpan.FromMinutes(4) };

    public static RemoteCommand Drain(string node, DrainPolicy policy)
    {
        var flags = DrainFlags(policy);
        return new($"kubectl drain {node} {string.Join(' ', flags)}", "kubectl=$1 kubeconfig=$2 node=$3; shift 3\n\"$kubectl\" --kubeconfig \"$kubeconfig\" --request-timeout=30s drain \"$node\" \"$@\" 2>&1")
        {
            Arguments = [Rke2Paths.Kubectl, Rke2Paths.AdminKubeconfig, node, .. flags],
            // kubectl stops itself at --timeout; the margin covers its last eviction attempt and the round trip.
            Timeout = policy.Timeout + TimeSpan.FromSeconds(60),
        };
    }

    public static IReadOnlyList<string> DrainFlags(DrainPolicy policy)
    {
        var flags = new List<string> { "--ignore-daemonsets" };
        if (policy.DeleteEmptyDirData) flags.Add("--delete-emptydir-data");
        if (policy.Force) flags.Add("--force");
        if (policy.GracePeriodSeconds is { } grace) flags.Add($"--grace-period={grace.ToString(CultureInfo.InvariantCulture)}");
        flags.Add($"--timeout={((long)policy.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s");
        return flags;
    }

    /// <summary>Why a drain stopped, naming the pods that blocked it; the node stays cordoned.</summary>
    public static string Failure(string node, DrainPolicy policy, RemoteResult result)
    {
        var blockers = Blockers(result.Stdout + "\n" + result.Stderr);
        return $"{node}: drain did not finish (timeout {(long)policy.Timeout.TotalSeconds}s); what blocked it:\n    "
            + (blockers.Count == 0 ? "(kubectl said nothing more)" : string.Join("\n    ", blockers))
            + $"\n  {node} is left cordoned and otherwise unchanged.";
    }

    [GeneratedRegex("""error when evicting pods/"(?<pod>[^"]+)" -n "(?<ns>[^"]+)"(?: \(will retry after \d+s\))?: (?<why>.+)$""", RegexOptions.Multiline)]
    private static partial Regex EvictionError();

    [GeneratedRegex(@"^error: (?<why>.+)$", RegexOptions.Multiline)]
    private static partial Regex FinalError();

    /// <summary>
    /// From kubectl drain's output: each pod that could not be evicted with the last reason given for it (a disruption
    /// budget, usually), else kubectl's final error line.
    /// </summary>
    public static IReadOnlyList<string> Blockers(string output)
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var timedOut = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in EvictionError().Matches(output))
        {
            var pod = $"{match.Groups["ns"].Value}/{match.Groups["pod"].Value}";
            var why = match.Groups["why"].Value.Trim();
            if (why.StartsWith("global timeout reached", StringComparison.Ordinal)) timedOut.Add(pod);
            else reasons[pod] = why;
        }
        IEnumerable<string> blocking = timedOut.Count > 0 ? timedOut : reasons.Keys;
        var lines = blocking.Order(StringComparer.Ordinal).Select(pod => reasons.TryGetValue(pod, out var why) ? $"{pod}: {why}" : $"{pod}: not evicted before the timeout").ToList();
        if (lines.Count > 0) return lines;
        return [.. FinalError().Matches(output).Select(m => m.Groups["why"].Value.Trim()).Distinct(StringComparer.Ordinal)];
    }
}

using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

internal static class SysctlOperations
{
    private const string SetRuntimeScript = """
        set -eu
        while [ $# -ge 2 ]; do
          sysctl -w "$1=$2" >/dev/null
          shift 2
        done
        """;

    /// <summary>Sets runtime values in one round trip; keys and values reach sysctl as arguments, never as script text.</summary>
    public static RemoteCommand SetRuntime(IEnumerable<(string Key, string Value)> values)
    {
        var pairs = values.ToList();
        return new($"set sysctl {string.Join(", ", pairs.Select(p => p.Key))}", SetRuntimeScript)
        {
            Arguments = [.. pairs.SelectMany(p => new[] { p.Key, p.Value })],
            Timeout = TimeSpan.FromSeconds(30),
        };
    }
}

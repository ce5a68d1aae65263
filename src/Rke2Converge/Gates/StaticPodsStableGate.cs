using System.Globalization;
using System.Text.Json;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Gates;

/// <summary>
/// The etcd and kube-apiserver containers this node should run are up and have not restarted for the settle window.
/// A server whose static pods are still being recreated is exactly when restarting the next one goes wrong.
/// </summary>
internal sealed class StaticPodsStableGate : ReadinessGate
{
    public override string Name => "static pods stable";

    public override GateTiming Timing(GateSettings settings) => settings.StaticPodsStable;

    public override RemoteCommand Probe(GateContext context) =>
        new("crictl ps", "date +%s%N; CRI_CONFIG_FILE=\"$2\" \"$1\" ps -o json")
        {
            Arguments = [Rke2Paths.Crictl, Rke2Paths.CrictlConfig],
            Timeout = ProbeTimeout,
        };

    public static IReadOnlyList<string> ExpectedContainers(NodeRole role) =>
        [.. role.CarriesEtcd() ? ["etcd"] : Array.Empty<string>(), .. role.CarriesControlPlane() ? ["kube-apiserver"] : Array.Empty<string>()];

    public override GateObservation Evaluate(GateContext context, RemoteResult result)
    {
        if (!result.Succeeded) return new(false, Describe(result));
        var split = result.Stdout.IndexOf('\n', StringComparison.Ordinal);
        // The host's clock in nanoseconds, like createdAt: whole seconds would pass a container up to a second early.
        if (split < 0 || !long.TryParse(result.Stdout[..split].Trim(), CultureInfo.InvariantCulture, out var nowNs))
        {
            return new(false, $"unexpected output: {FirstLine(result.Stdout)}");
        }
        Dictionary<string, long> runningSince;
        try
        {
            runningSince = RunningContainers(result.Stdout[(split + 1)..]);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            // crictl versions differ in field names and types; an answer we cannot read is not a pass, nor a crash.
            return new(false, $"crictl output is not the container list expected: {error.GetType().Name}: {error.Message}");
        }
        var settle = context.Settings.SettleWindow;
        var seen = new List<string>();
        var stable = true;
        foreach (var name in ExpectedContainers(context.Node.Role))
        {
            if (!runningSince.TryGetValue(name, out var createdNs))
            {
                seen.Add($"{name} not running");
                stable = false;
                continue;
            }
            var up = TimeSpan.FromTicks((nowNs - createdNs) / 100);
            seen.Add($"{name} up {Math.Floor(up.TotalSeconds):0}s");
            if (up < settle) stable = false;
        }
        return new(stable, $"{string.Join(", ", seen)} (needs {settle.TotalSeconds:0}s without restart)");
    }

    /// <summary>Newest running container per name; createdAt is nanoseconds, as a string or a number depending on crictl.</summary>
    private static Dictionary<string, long> RunningContainers(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!document.RootElement.TryGetProperty("containers", out var containers)) return result;
        foreach (var container in containers.EnumerateArray())
        {
            if (container.GetProperty("state").GetString() != "CONTAINER_RUNNING") continue;
            var name = container.GetProperty("metadata").GetProperty("name").GetString() ?? "";
            var created = container.GetProperty("createdAt");
            var createdNs = created.ValueKind == JsonValueKind.String
                ? long.Parse(created.GetString()!, CultureInfo.InvariantCulture)
                : created.GetInt64();
            if (!result.TryGetValue(name, out var existing) || createdNs > existing) result[name] = createdNs;
        }
        return result;
    }
}

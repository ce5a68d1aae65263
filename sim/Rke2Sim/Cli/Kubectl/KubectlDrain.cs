using System.Globalization;
using System.Text.Json.Nodes;

namespace Rke2Sim.Cli.Kubectl;

/// <summary>
/// <c>kubectl drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--timeout=D] [--grace-period=N]</c>,
/// as k8s.io/kubectl/pkg/cmd/drain and pkg/drain do it: cordon, pick the pods (mirror pods skipped; DaemonSet pods
/// need --ignore-daemonsets, pods without a controller --force), evict each through the Eviction API, retrying a
/// 429 every 5 s until the global timeout (0 = none), and print kubectl's lines.
/// </summary>
public static class KubectlDrain
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string server, KubectlArguments parsed)
    {
        if (parsed.Positional.ElementAtOrDefault(1) is not { } node) return KubectlCommand.Fail("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples");
        TimeSpan timeout;
        try
        {
            timeout = GoDuration.Parse(parsed.Flag("timeout") ?? "0s");
        }
        catch (FormatException)
        {
            return KubectlCommand.Fail($"error: invalid argument \"{parsed.Flag("timeout")}\" for \"--timeout\" flag: time: invalid duration \"{parsed.Flag("timeout")}\"");
        }
        var cordon = await CordonAsync(server, node);
        if (cordon is not null) return KubectlCommand.Fail(cordon);

        var (status, body) = await KubectlCommand.GetAsync(server, "/api/v1/pods");
        if (status != 200) return KubectlCommand.Fail(KubectlCommand.ServerError(status, body));
        var pods = JsonNode.Parse(body)!["items"]!.AsArray().Select(p => p!)
            .Where(p => (string?)p["spec"]?["nodeName"] == node && p["metadata"]?["annotations"]?["kubernetes.io/config.mirror"] is null)
            .ToList();
        var daemonSetPods = pods.Where(p => Controller(p) == "DaemonSet").ToList();
        var bare = pods.Where(p => Controller(p) is null).ToList();
        var errors = new List<string>();
        if (daemonSetPods.Count > 0 && !parsed.IsSet("ignore-daemonsets")) errors.Add($"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {Names(daemonSetPods)}");
        if (bare.Count > 0 && !parsed.IsSet("force")) errors.Add($"cannot delete Pods that declare no controller (use --force to override): {Names(bare)}");
        if (errors.Count > 0)
        {
            Console.Error.WriteLine($"There are pending nodes to be drained:\n {node}");
            return KubectlCommand.Fail("error: " + Aggregate(errors));
        }
        if (daemonSetPods.Count > 0) Console.Error.WriteLine($"Warning: ignoring DaemonSet-managed Pods: {Names(daemonSetPods)}");
        if (bare.Count > 0) Console.Error.WriteLine($"Warning: deleting Pods that declare no controller: {Names(bare)}");

        var deadline = timeout == TimeSpan.Zero ? DateTimeOffset.MaxValue : DateTimeOffset.UtcNow + timeout;
        var evictable = pods.Except(daemonSetPods).ToList();
        var results = await Task.WhenAll(evictable.Select(pod => EvictAsync(server, pod, deadline, timeout)));
        var failed = results.Where(r => r is not null).Select(r => r!).ToList();
        if (failed.Count == 0)
        {
            Console.Out.WriteLine($"node/{node} drained");
            return 0;
        }
        var error = Aggregate(failed);
        Console.Error.WriteLine($"There are pending pods in node \"{node}\" when an error occurred: {error}");
        foreach (var pod in evictable.Where((_, i) => results[i] is not null)) Console.Error.WriteLine($"pod/{(string)pod["metadata"]!["name"]!}");
        Console.Error.WriteLine($"There are pending nodes to be drained:\n {node}");
        return KubectlCommand.Fail("error: " + error);
    }

    /// <summary>Marks the node unschedulable; null when done, else the error text.</summary>
    private static async Task<string?> CordonAsync(string server, string node)
    {
        var (status, body) = await KubectlCommand.GetAsync(server, $"/api/v1/nodes/{node}");
        if (status != 200) return KubectlCommand.ServerError(status, body);
        if (JsonNode.Parse(body)!["spec"]?["unschedulable"] is not null)
        {
            Console.Out.WriteLine($"node/{node} already cordoned");
            return null;
        }
        (status, body) = await KubectlCommand.SendAsync(HttpMethod.Patch, server, $"/api/v1/nodes/{node}", """{"spec":{"unschedulable":true}}""", "application/strategic-merge-patch+json");
        if (status != 200) return KubectlCommand.ServerError(status, body);
        Console.Out.WriteLine($"node/{node} cordoned");
        return null;
    }

    /// <summary>Evicts one pod, retrying while a disruption budget refuses (429); null once it is gone, else the error.</summary>
    private static async Task<string?> EvictAsync(string server, JsonNode pod, DateTimeOffset deadline, TimeSpan timeout)
    {
        var name = (string)pod["metadata"]!["name"]!;
        var ns = (string)pod["metadata"]!["namespace"]!;
        while (true)
        {
            Console.Out.WriteLine($"evicting pod {ns}/{name}");
            if (DateTimeOffset.UtcNow >= deadline) return $"error when evicting pods/\"{name}\" -n \"{ns}\": global timeout reached: {GoDuration.Format(timeout)}";
            var eviction = new JsonObject
            {
                ["apiVersion"] = "policy/v1", ["kind"] = "Eviction",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            };
            var (status, body) = await KubectlCommand.SendAsync(HttpMethod.Post, server, $"/api/v1/namespaces/{ns}/pods/{name}/eviction", eviction.ToJsonString());
            if (status is >= 200 and < 300)
            {
                Console.Out.WriteLine($"pod/{name} evicted");
                return null;
            }
            if (status == 404) return null;
            var message = (string?)TryParse(body)?["message"] ?? body;
            if (status != 429) return $"error when evicting pods/\"{name}\" -n \"{ns}\": {message}";
            Console.Error.WriteLine($"error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {message}");
            var wait = deadline - DateTimeOffset.UtcNow;
            await Task.Delay(wait < RetryAfter ? wait < TimeSpan.Zero ? TimeSpan.Zero : wait : RetryAfter);
        }
    }

    private static string? Controller(JsonNode pod) =>
        pod["metadata"]?["ownerReferences"]?.AsArray().FirstOrDefault(o => o?["controller"]?.GetValue<bool>() == true)?["kind"]?.GetValue<string>();

    private static string Names(IEnumerable<JsonNode> pods) =>
        string.Join(", ", pods.Select(p => $"{(string)p["metadata"]!["namespace"]!}/{(string)p["metadata"]!["name"]!}"));

    /// <summary>utilerrors.NewAggregate: one error reads as itself, several as [a, b].</summary>
    private static string Aggregate(IReadOnlyList<string> errors) => errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]";

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>Go's time.ParseDuration and Duration.String for the units kubectl flags take (h, m, s, ms).</summary>
public static class GoDuration
{
    public static TimeSpan Parse(string text)
    {
        if (text == "0") return TimeSpan.Zero;
        var total = TimeSpan.Zero;
        var rest = text;
        if (rest.Length == 0) throw new FormatException(text);
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.')) digits++;
            if (digits == 0) throw new FormatException(text);
            var value = double.Parse(rest[..digits], CultureInfo.InvariantCulture);
            rest = rest[digits..];
            var unit = rest.StartsWith("ms", StringComparison.Ordinal) ? "ms" : rest.Length > 0 ? rest[..1] : throw new FormatException(text);
            rest = rest[unit.Length..];
            total += unit switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                "ms" => TimeSpan.FromMilliseconds(value),
                _ => throw new FormatException(text),
            };
        }
        return total;
    }

    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) return "0s";
        var hours = (int)duration.TotalHours;
        var seconds = duration.TotalSeconds - hours * 3600 - duration.Minutes * 60;
        var s = seconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s";
        if (hours > 0) return $"{hours}h{duration.Minutes}m{s}";
        return duration.Minutes > 0 ? $"{duration.Minutes}m{s}" : s;
    }
}

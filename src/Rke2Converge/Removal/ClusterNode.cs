using System.Text.Json;

namespace Rke2Converge.Removal;

/// <summary>One node as <c>kubectl get nodes -o json</c> reports it: what removal needs to know.</summary>
internal sealed record ClusterNode(string Name, bool Etcd, bool ControlPlane, bool Ready, bool Unschedulable)
{
    public static IReadOnlyList<ClusterNode> ParseList(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(Parse)];
    }

    private static ClusterNode Parse(JsonElement node)
    {
        var metadata = node.GetProperty("metadata");
        var labels = metadata.TryGetProperty("labels", out var l) ? l : default;
        bool Label(string key) => labels.ValueKind == JsonValueKind.Object && labels.TryGetProperty(key, out var value) && value.GetString() == "true";
        var ready = node.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
            && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
        var unschedulable = node.TryGetProperty("spec", out var spec) && spec.TryGetProperty("unschedulable", out var u) && u.ValueKind == JsonValueKind.True;
        return new ClusterNode(metadata.GetProperty("name").GetString() ?? "", Label("node-role.kubernetes.io/etcd"),
            Label("node-role.kubernetes.io/control-plane"), ready, unschedulable);
    }
}

using System.Text.Json.Nodes;
using Rke2Sim.Cli;

namespace Rke2Sim.Cluster;

/// <summary>
/// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>)
/// with the columns of upstream's printers (kubernetes pkg/printers/internalversion/printers.go: printNode, printPod,
/// printDeployment, printPodDisruptionBudget, printNamespace); priority-1 columns are those <c>-o wide</c> adds.
/// Each row carries the object's metadata as PartialObjectMetadata (the default includeObject=Metadata).
/// </summary>
public static class KubeTables
{
    private sealed record Column(string Name, string Type, int Priority = 0, string Format = "");

    public static JsonObject? For(KubeRead read, DateTimeOffset now)
    {
        if (read.Status != 200 || read.Resource.Length == 0) return null;
        var items = read.IsList ? read.Body["items"]!.AsArray().Select(i => i!.AsObject()).ToList() : [read.Body];
        var (columns, cells) = Columns(read.Resource, now);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var metadata = item["metadata"]!.DeepClone();
            rows.Add(new JsonObject
            {
                ["cells"] = new JsonArray([.. cells(item)]),
                ["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = metadata },
            });
        }
        var definitions = new JsonArray();
        foreach (var column in columns)
        {
            definitions.Add(new JsonObject { ["name"] = column.Name, ["type"] = column.Type, ["format"] = column.Format, ["description"] = column.Name, ["priority"] = column.Priority });
        }
        var listMetadata = new JsonObject();
        if (read.IsList) listMetadata["resourceVersion"] = read.Body["metadata"]?["resourceVersion"]?.DeepClone();
        return new JsonObject { ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = listMetadata, ["columnDefinitions"] = definitions, ["rows"] = rows };
    }

    private static (Column[] Columns, Func<JsonObject, JsonNode?[]> Cells) Columns(string resource, DateTimeOffset now)
    {
        string Age(JsonObject item) => item["metadata"]?["creationTimestamp"] is { } created && DateTimeOffset.TryParse((string?)created, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? TextTable.Age(now - at) : "<unknown>";
        static string Name(JsonObject item) => (string?)item["metadata"]?["name"] ?? "";
        static string Text(JsonNode? node, string fallback = "<none>") => node is null ? fallback : node.ToString();
        return resource switch
        {
            "nodes" => ([new("Name", "string", Format: "name"), new("Status", "string"), new("Roles", "string"), new("Age", "string"), new("Version", "string"),
                    new("Internal-IP", "string", 1), new("External-IP", "string", 1), new("OS-Image", "string", 1), new("Kernel-Version", "string", 1), new("Container-Runtime", "string", 1)],
                item => [Name(item), NodeStatus(item), NodeRoles(item), Age(item), Text(item["status"]?["nodeInfo"]?["kubeletVersion"], ""),
                    Address(item, "InternalIP"), Address(item, "ExternalIP"), Text(item["status"]?["nodeInfo"]?["osImage"], "<unknown>"),
                    Text(item["status"]?["nodeInfo"]?["kernelVersion"], "<unknown>"), Text(item["status"]?["nodeInfo"]?["containerRuntimeVersion"], "<unknown>")]),
            "pods" => ([new("Name", "string", Format: "name"), new("Ready", "string"), new("Status", "string"), new("Restarts", "string"), new("Age", "string"),
                    new("IP", "string", 1), new("Node", "string", 1), new("Nominated Node", "string", 1), new("Readiness Gates", "string", 1)],
                item => [Name(item), PodReady(item), PodStatus(item), PodRestarts(item), Age(item),
                    Text(item["status"]?["podIP"]), Text(item["spec"]?["nodeName"]), "<none>", "<none>"]),
            "deployments" => ([new("Name", "string", Format: "name"), new("Ready", "string"), new("Up-to-date", "string"), new("Available", "string"), new("Age", "string"),
                    new("Containers", "string", 1), new("Images", "string", 1), new("Selector", "string", 1)],
                item => [Name(item), $"{Text(item["status"]?["readyReplicas"], "0")}/{Text(item["spec"]?["replicas"], "0")}", Text(item["status"]?["updatedReplicas"], "0"),
                    Text(item["status"]?["availableReplicas"], "0"), Age(item),
                    string.Join(',', item["spec"]?["template"]?["spec"]?["containers"]?.AsArray().Select(c => (string?)c!["name"]) ?? []),
                    string.Join(',', item["spec"]?["template"]?["spec"]?["containers"]?.AsArray().Select(c => (string?)c!["image"]) ?? []),
                    string.Join(',', (item["spec"]?["selector"]?["matchLabels"] as JsonObject ?? []).Select(kv => $"{kv.Key}={kv.Value}"))]),
            "poddisruptionbudgets" => ([new("Name", "string", Format: "name"), new("Min Available", "string"), new("Max Unavailable", "string"), new("Allowed Disruptions", "integer"), new("Age", "string")],
                item => [Name(item), Text(item["spec"]?["minAvailable"], "N/A"), Text(item["spec"]?["maxUnavailable"], "N/A"), (int?)item["status"]?["disruptionsAllowed"] ?? 0, Age(item)]),
            _ => ([new("Name", "string", Format: "name"), new("Status", "string"), new("Age", "string")],
                item => [Name(item), Text(item["status"]?["phase"], ""), Age(item)]),
        };
    }

    /// <summary>printNode: the Ready condition's verdict, then SchedulingDisabled for a cordoned node.</summary>
    private static string NodeStatus(JsonObject node)
    {
        var ready = node["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Ready");
        var status = (string?)ready?["status"] switch { "True" => "Ready", "False" => "NotReady", _ => "Unknown" };
        if (node["spec"]?["unschedulable"]?.GetValue<bool>() == true) status += ",SchedulingDisabled";
        return status;
    }

    /// <summary>findNodeRoles: node-role.kubernetes.io/ROLE labels (and kubernetes.io/role), sorted, or &lt;none&gt;.</summary>
    private static string NodeRoles(JsonObject node)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in node["metadata"]?["labels"] as JsonObject ?? [])
        {
            if (key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)) roles.Add(key["node-role.kubernetes.io/".Length..]);
            else if (key == "kubernetes.io/role" && (string?)value is { Length: > 0 } role) roles.Add(role);
        }
        return roles.Count == 0 ? "<none>" : string.Join(',', roles);
    }

    private static string Address(JsonObject node, string type) =>
        (string?)node["status"]?["addresses"]?.AsArray().FirstOrDefault(a => (string?)a!["type"] == type)?["address"] ?? "<none>";

    private static string PodReady(JsonObject pod)
    {
        var statuses = pod["status"]?["containerStatuses"]?.AsArray() ?? [];
        var total = pod["spec"]?["containers"]?.AsArray().Count ?? 0;
        return $"{statuses.Count(s => s?["ready"]?.GetValue<bool>() == true)}/{total}";
    }

    /// <summary>printPod: the phase, or a waiting/terminated container's reason, or Terminating while being deleted.</summary>
    private static string PodStatus(JsonObject pod)
    {
        if (pod["metadata"]?["deletionTimestamp"] is not null) return "Terminating";
        foreach (var status in pod["status"]?["containerStatuses"]?.AsArray() ?? [])
        {
            if ((string?)status?["state"]?["waiting"]?["reason"] is { Length: > 0 } waiting) return (string?)pod["status"]?["phase"] == "Pending" ? "Pending" : waiting;
            if ((string?)status?["state"]?["terminated"]?["reason"] is { Length: > 0 } terminated) return terminated;
        }
        return (string?)pod["status"]?["phase"] ?? "Unknown";
    }

    private static string PodRestarts(JsonObject pod) =>
        (pod["status"]?["containerStatuses"]?.AsArray() ?? []).Sum(s => (int?)s?["restartCount"] ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

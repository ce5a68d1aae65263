using System.Text.Json.Nodes;

namespace Rke2Sim.Cluster;

/// <summary>
/// The legacy discovery documents kubectl reads before any typed command (apimachinery pkg/apis/meta/v1/types.go:
/// APIVersions, APIGroupList, APIResourceList), for the resources the simulator serves. kubectl first asks for the
/// aggregated form (apidiscovery.k8s.io/v2) and falls back to these when the answer is plain application/json
/// (client-go discovery/aggregated_discovery.go).
/// </summary>
public static class KubeDiscovery
{
    public sealed record Resource(string Name, string SingularName, bool Namespaced, string Kind, string[] Verbs, string[] ShortNames, string? Group = null, string? Version = null);

    private static readonly string[] ReadWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary>Group/version → its resources, in the order the apiserver lists them.</summary>
    public static readonly IReadOnlyDictionary<string, Resource[]> GroupVersions = new Dictionary<string, Resource[]>(StringComparer.Ordinal)
    {
        ["v1"] =
        [
            new("namespaces", "namespace", false, "Namespace", ["create", "delete", "get", "list", "patch", "update", "watch"], ["ns"]),
            new("nodes", "node", false, "Node", ReadWrite, ["no"]),
            new("pods", "pod", true, "Pod", ReadWrite, ["po"]),
            // drain looks for this entry to choose the Eviction API's group and version (kubectl pkg/drain/drain.go CheckEvictionSupport).
            new("pods/eviction", "", true, "Eviction", ["create"], [], "policy", "v1"),
        ],
        ["apps/v1"] = [new("deployments", "deployment", true, "Deployment", ReadWrite, ["deploy"])],
        ["policy/v1"] = [new("poddisruptionbudgets", "poddisruptionbudget", true, "PodDisruptionBudget", ReadWrite, ["pdb"])],
        ["authorization.k8s.io/v1"] = [new("selfsubjectaccessreviews", "selfsubjectaccessreview", false, "SelfSubjectAccessReview", ["create"], [])],
    };

    public static JsonObject Versions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject Groups()
    {
        var groups = new JsonArray();
        foreach (var groupVersion in GroupVersions.Keys.Where(g => g.Contains('/')))
        {
            var (group, version) = (groupVersion.Split('/')[0], groupVersion.Split('/')[1]);
            var entry = new JsonObject { ["groupVersion"] = groupVersion, ["version"] = version };
            groups.Add(new JsonObject { ["name"] = group, ["versions"] = new JsonArray(entry), ["preferredVersion"] = entry.DeepClone() });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? Group(string group)
    {
        var match = Groups()["groups"]!.AsArray().FirstOrDefault(g => (string?)g!["name"] == group);
        if (match is null) return null;
        var json = match.DeepClone().AsObject();
        json["kind"] = "APIGroup";
        json["apiVersion"] = "v1";
        return json;
    }

    public static JsonObject? Resources(string groupVersion)
    {
        if (!GroupVersions.TryGetValue(groupVersion, out var resources)) return null;
        var list = new JsonArray();
        foreach (var resource in resources)
        {
            var entry = new JsonObject
            {
                ["name"] = resource.Name,
                ["singularName"] = resource.SingularName,
                ["namespaced"] = resource.Namespaced,
                ["kind"] = resource.Kind,
                ["verbs"] = new JsonArray([.. resource.Verbs.Select(v => (JsonNode)v)]),
            };
            if (resource.Group is not null) entry["group"] = resource.Group;
            if (resource.Version is not null) entry["version"] = resource.Version;
            if (resource.ShortNames.Length > 0) entry["shortNames"] = new JsonArray([.. resource.ShortNames.Select(s => (JsonNode)s)]);
            list.Add(entry);
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = list };
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Rke2Sim.Cluster;

/// <summary>What a GET answered: the object or list, and the resource it is of (for selectors and tables).</summary>
public sealed record KubeRead(int Status, JsonObject Body, string Resource, bool IsList);

/// <summary>
/// The apiserver's GETs, rendered from any copy of the cluster state: discovery, lists (with <c>fieldSelector</c>
/// and <c>labelSelector</c>) and single objects of nodes, namespaces, pods, deployments and PodDisruptionBudgets.
/// Unknown paths are a 404 Status, as upstream's (apiserver pkg/endpoints/handlers/responsewriters NotFound).
/// </summary>
public static partial class KubeReads
{
    public static readonly string[] Namespaces = ["default", "kube-node-lease", "kube-public", "kube-system"];

    [GeneratedRegex("^/api/v1/(?:namespaces/(?<ns>[^/]+)/)?(?<resource>pods|nodes|namespaces)(?:/(?<name>[^/]+))?$")]
    private static partial Regex CorePath();

    [GeneratedRegex("^/apis/(?<gv>apps/v1|policy/v1)/(?:namespaces/(?<ns>[^/]+)/)?(?<resource>deployments|poddisruptionbudgets)(?:/(?<name>[^/]+))?$")]
    private static partial Regex GroupPath();

    public static KubeRead Get(ClusterState state, string path, string? fieldSelector, string? labelSelector, string serverAddress, DateTimeOffset now, TimeSpan grace)
    {
        path = path.TrimEnd('/');
        if (path == "/api") return new(200, KubeDiscovery.Versions(serverAddress), "", false);
        if (path == "/apis") return new(200, KubeDiscovery.Groups(), "", false);
        if (path == "/api/v1" && KubeDiscovery.Resources("v1") is { } core) return new(200, core, "", false);
        if (path.StartsWith("/apis/", StringComparison.Ordinal))
        {
            var rest = path["/apis/".Length..];
            if (!rest.Contains('/') && KubeDiscovery.Group(rest) is { } group) return new(200, group, "", false);
            if (rest.Count(c => c == '/') == 1 && KubeDiscovery.Resources(rest) is { } resources) return new(200, resources, "", false);
        }
        string? ns = null, name = null, resource = null;
        if (CorePath().Match(path) is { Success: true } c) (ns, name, resource) = (Group(c, "ns"), Group(c, "name"), c.Groups["resource"].Value);
        else if (GroupPath().Match(path) is { Success: true } g) (ns, name, resource) = (Group(g, "ns"), Group(g, "name"), g.Groups["resource"].Value);
        if (resource is null || (resource is "nodes" or "namespaces" && ns is not null)) return new(404, PathNotFound(), "", false);
        if (KubeSelectors.Validate(resource, fieldSelector, labelSelector) is { } invalid) return new(400, Status(400, "BadRequest", invalid), resource, false);
        var items = Items(state, resource, ns, now, grace).ToList();
        if (name is not null)
        {
            var item = items.FirstOrDefault(i => (string?)i["metadata"]?["name"] == name);
            return item is null
                ? new(404, KubeObjects.NotFound(QualifiedResource(resource), name), resource, false)
                : new(200, WithVersion(item), resource, false);
        }
        var list = new JsonArray();
        foreach (var item in items.Where(i => KubeSelectors.Matches(i, fieldSelector, labelSelector))) list.Add(WithVersion(item));
        var kind = KubeDiscovery.GroupVersions.Values.SelectMany(r => r).First(r => r.Name == resource).Kind;
        return new(200, new JsonObject
        {
            ["apiVersion"] = resource is "deployments" ? "apps/v1" : resource is "poddisruptionbudgets" ? "policy/v1" : "v1",
            ["kind"] = kind + "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = ResourceVersion(list) },
            ["items"] = list,
        }, resource, true);
    }

    private static string? Group(Match match, string name) => match.Groups[name].Success ? match.Groups[name].Value : null;

    public static string QualifiedResource(string resource) => resource switch
    {
        "deployments" => "deployments.apps",
        "poddisruptionbudgets" => "poddisruptionbudgets.policy",
        _ => resource,
    };

    private static IEnumerable<JsonObject> Items(ClusterState state, string resource, string? ns, DateTimeOffset now, TimeSpan grace) => resource switch
    {
        "nodes" => KubeObjects.NodeList(state, now, grace)["items"]!.AsArray().Select(n => n!.AsObject()),
        "pods" => KubeObjects.PodList(state, ns)["items"]!.AsArray().Select(n => n!.AsObject()),
        "namespaces" => AllNamespaces(state).Select(Namespace),
        "deployments" => state.Deployments.Where(d => ns is null || d.Namespace == ns).Select(d => KubeObjects.Deployment(state, d)),
        "poddisruptionbudgets" => state.Budgets.Where(b => ns is null || b.Namespace == ns).Select(b => KubeApi.Budget(state, b, now, grace)),
        _ => [],
    };

    private static IEnumerable<string> AllNamespaces(ClusterState state) =>
        Namespaces.Concat(state.Deployments.Select(d => d.Namespace)).Concat(state.Pods.Select(p => p.Namespace)).Concat(state.Budgets.Select(b => b.Namespace))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static JsonObject Namespace(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name, ["uid"] = KubeObjects.Uid("namespace/" + name), ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name } },
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    /// <summary>
    /// resourceVersion is opaque to clients (apimachinery: "clients must treat these values as opaque"); the simulator
    /// derives it from the object's content, so it changes exactly when the object does.
    /// </summary>
    public static JsonObject WithVersion(JsonObject item)
    {
        var copy = item.DeepClone().AsObject();
        if (copy["metadata"] is JsonObject metadata) metadata["resourceVersion"] = ResourceVersion(item);
        return copy;
    }

    public static string ResourceVersion(JsonNode node)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
        return (BitConverter.ToUInt64(hash, 0) % 1_000_000_000_000UL + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static JsonObject PathNotFound() => Status(404, "NotFound", "the server could not find the requested resource");

    public static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
        ["message"] = message, ["reason"] = reason, ["details"] = new JsonObject(), ["code"] = code,
    };
}

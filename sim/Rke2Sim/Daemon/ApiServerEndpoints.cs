using System.Text.Json.Nodes;
using Rke2Sim.Cluster;

namespace Rke2Sim.Daemon;

/// <summary>
/// Port 6443: kube-apiserver on control-plane nodes (listening only while its container runs), and the client
/// load balancer on agents and etcd-only servers. Answers come from the cluster state.
/// </summary>
public static class ApiServerEndpoints
{
    public static HttpEndpoint Create(NodeDaemon daemon, bool loadBalancerOnly)
    {
        var addresses = loadBalancerOnly ? new[] { daemon.Host.Loopback } : [daemon.Host.NodeAddress, daemon.Host.Loopback];
        return new HttpEndpoint(loadBalancerOnly ? "apiserver-lb" : "kube-apiserver", addresses, 6443, daemon.ServingCertificate,
            app => Map(app, daemon, loadBalancerOnly));
    }

    private static void Map(WebApplication app, NodeDaemon daemon, bool loadBalancerOnly)
    {
        foreach (var check in new[] { "/readyz", "/livez", "/healthz" })
        {
            app.MapGet(check, async () =>
            {
                var failure = await HealthFailureAsync(daemon, loadBalancerOnly);
                return failure is null
                    ? Results.Text("ok")
                    : Results.Text($"[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n{check[1..]} check failed\n", statusCode: 500);
            });
        }
        app.MapGet("/version", () => Results.Text(new JsonObject
        {
            ["major"] = daemon.Release.Major.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["minor"] = daemon.Release.Minor.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["gitVersion"] = daemon.Release.Version,
            ["goVersion"] = daemon.Release.GoVersion,
            ["platform"] = "linux/amd64",
        }.ToJsonString(), "application/json"));
        app.MapGet("/api/v1/nodes", async () => await WithStateAsync(daemon, loadBalancerOnly, state =>
            Json(KubeObjects.NodeList(state, DateTimeOffset.UtcNow, daemon.Grace))));
        app.MapGet("/api/v1/nodes/{name}", async (string name) => await WithStateAsync(daemon, loadBalancerOnly, state =>
            state.Nodes.TryGetValue(name, out var node) && node.RegisteredAt is not null
                ? Json(KubeObjects.Node(node, DateTimeOffset.UtcNow, daemon.Grace))
                : Json(KubeObjects.NotFound("nodes", name), 404)));
        app.MapGet("/api/v1/pods", async () => await WithStateAsync(daemon, loadBalancerOnly, state => Json(KubeObjects.PodList(state, null))));
        app.MapGet("/api/v1/namespaces/{ns}/pods", async (string ns) => await WithStateAsync(daemon, loadBalancerOnly, state =>
            Json(KubeObjects.PodList(state, ns))));
        // Typed as Delegate: a lambda taking only HttpContext would bind as a RequestDelegate and its IResult would never be written.
        app.MapGet("/apis/policy/v1/{**rest}", (Delegate)(async (HttpContext http) => await WithStateAsync(daemon, loadBalancerOnly, state =>
            KubeApi.Read(state, http.Request.Path.Value ?? "", DateTimeOffset.UtcNow, daemon.Grace) is { } read
                ? Results.Text(read.Body, "application/json", statusCode: read.Status)
                : Json(KubeObjects.NotFound("", http.Request.Path.Value ?? ""), 404))));
        app.MapMethods("/{**path}", ["POST", "PATCH", "DELETE"], (Delegate)(async (HttpContext http) => await WriteAsync(daemon, loadBalancerOnly, http)));
    }

    /// <summary>Writes go to the authority (the bootstrap server, as etcd's leader would apply them).</summary>
    private static async Task<IResult> WriteAsync(NodeDaemon daemon, bool loadBalancerOnly, HttpContext http)
    {
        if (await HealthFailureAsync(daemon, loadBalancerOnly) is { } failure)
        {
            return Json(new JsonObject
            {
                ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = "InternalError",
                ["message"] = failure, ["code"] = 500,
            }, 500);
        }
        if (daemon.Link is not { } link) return Results.Text("etcdserver: request timed out", statusCode: 504);
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        try
        {
            var response = await link.KubeAsync(new KubeRequest(http.Request.Method, http.Request.Path.Value ?? "", body), CancellationToken.None);
            return Results.Text(response.Body, "application/json", statusCode: response.Status);
        }
        catch (Exception e) when (e is HttpRequestException or SupervisorRefusedException or TaskCanceledException)
        {
            return Results.Text("etcdserver: request timed out", statusCode: 504);
        }
    }

    private static async Task<IResult> WithStateAsync(NodeDaemon daemon, bool loadBalancerOnly, Func<ClusterState, IResult> answer)
    {
        if (await HealthFailureAsync(daemon, loadBalancerOnly) is { } failure)
        {
            return Json(new JsonObject
            {
                ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = "InternalError",
                ["message"] = failure, ["code"] = 500,
            }, 500);
        }
        var state = await daemon.TryReadStateAsync();
        return state is null ? Results.Text("etcdserver: request timed out", statusCode: 504) : answer(state);
    }

    /// <summary>Why requests would fail right now, or null: the apiserver needs its container and an etcd quorum.</summary>
    private static async Task<string?> HealthFailureAsync(NodeDaemon daemon, bool loadBalancerOnly)
    {
        var state = await daemon.TryReadStateAsync();
        if (state is null) return "etcdserver: request timed out";
        var now = DateTimeOffset.UtcNow;
        if (!ClusterRules.HasQuorum(state, now, daemon.Grace)) return "etcdserver: request timed out";
        if (loadBalancerOnly)
        {
            var anyApiServer = state.ApiServerAddresses.Keys.Any(n =>
                state.Nodes.TryGetValue(n, out var node) && ClusterRules.IsFresh(node, now, daemon.Grace) && node.LastReport!.ApiServerRunning);
            return anyApiServer ? null : "no apiserver available";
        }
        return daemon.Runtime.IsRunning("kube-apiserver") ? null : "apiserver not running";
    }

    private static IResult Json(JsonObject body, int status = 200) => Results.Text(body.ToJsonString(), "application/json", statusCode: status);
}

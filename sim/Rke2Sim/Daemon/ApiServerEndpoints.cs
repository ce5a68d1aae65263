using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Rke2Sim.Cluster;

namespace Rke2Sim.Daemon;

/// <summary>
/// Port 6443: kube-apiserver on control-plane nodes (listening only while its container runs), and the client
/// load balancer on agents and etcd-only servers. Answers come from the cluster state. Every request must present a
/// client certificate the cluster CA signed: RKE2 runs kube-apiserver with anonymous-auth=false (k3s
/// pkg/daemons/control/server.go), so anything else is a 401 Status, health checks included.
/// </summary>
public static class ApiServerEndpoints
{
    private static readonly TimeSpan WatchPoll = TimeSpan.FromMilliseconds(500);

    // The apiserver's own default bound of a watch without timeoutSeconds is 30-60 minutes (--min-request-timeout=1800).
    private static readonly TimeSpan DefaultWatchTimeout = TimeSpan.FromMinutes(30);

    public static HttpEndpoint Create(NodeDaemon daemon, bool loadBalancerOnly)
    {
        var addresses = loadBalancerOnly ? new[] { daemon.Host.Loopback } : [daemon.Host.NodeAddress, daemon.Host.Loopback];
        return new HttpEndpoint(loadBalancerOnly ? "apiserver-lb" : "kube-apiserver", addresses, 6443, daemon.ServingCertificate,
            app => Map(app, daemon, loadBalancerOnly), requestClientCertificate: true);
    }

    private static void Map(WebApplication app, NodeDaemon daemon, bool loadBalancerOnly)
    {
        app.Use(async (http, next) =>
        {
            var user = await AuthenticateAsync(http, daemon);
            if (user is null)
            {
                // apiserver pkg/endpoints/handlers/responsewriters/errors.go: the 401 Status for an unauthenticated request.
                await WriteAsync(http, 401, KubeReads.Status(401, "Unauthorized", "Unauthorized"));
                return;
            }
            http.Items[nameof(KubeUser)] = user;
            await next(http);
        });
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
        // Typed as Delegate: a lambda taking only HttpContext would bind as a RequestDelegate and its IResult would never be written.
        app.MapGet("/{**path}", (Delegate)(async (HttpContext http) => await ReadAsync(daemon, loadBalancerOnly, http)));
        app.MapMethods("/{**path}", ["POST", "PUT", "PATCH", "DELETE"], (Delegate)(async (HttpContext http) => await WriteAsync(daemon, loadBalancerOnly, http)));
    }

    /// <summary>The user a CA-signed client certificate names (CN the user, O its groups), or null.</summary>
    private static async Task<KubeUser?> AuthenticateAsync(HttpContext http, NodeDaemon daemon)
    {
        if (daemon.Ca is not { } ca) return null;
        var certificate = await http.Connection.GetClientCertificateAsync();
        if (certificate is null) return null;
        using var root = X509Certificate2.CreateFromPem(ca.CertPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate)) return null;
        var groups = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(n => n.GetSingleElementType().Value == "2.5.4.10")
            .Select(n => n.GetSingleElementValue() ?? "")
            .ToList();
        return new KubeUser(certificate.GetNameInfo(X509NameType.SimpleName, false), groups);
    }

    private static async Task<IResult> ReadAsync(NodeDaemon daemon, bool loadBalancerOnly, HttpContext http)
    {
        if (await HealthFailureAsync(daemon, loadBalancerOnly) is { } failure) return Json(KubeReads.Status(500, "InternalError", failure), 500);
        var path = http.Request.Path.Value ?? "";
        var query = http.Request.Query;
        var (fields, labels) = ((string?)query["fieldSelector"], (string?)query["labelSelector"]);
        var serverAddress = $"{daemon.Host.NodeAddress}:6443";
        if (query["watch"] is { Count: > 0 } watch && watch[0] is "1" or "true")
        {
            await WatchAsync(daemon, http, path, fields, labels, serverAddress);
            return Results.Empty;
        }
        var state = await daemon.TryReadStateAsync();
        if (state is null) return Results.Text("etcdserver: request timed out", statusCode: 504);
        var now = DateTimeOffset.UtcNow;
        var read = KubeReads.Get(state, path, fields, labels, serverAddress, now, daemon.Grace);
        var accept = http.Request.Headers.Accept.ToString();
        if (accept.Contains("as=Table", StringComparison.Ordinal) && KubeTables.For(read, now) is { } table) return Json(table);
        return Json(read.Body, read.Status);
    }

    /// <summary>
    /// <c>?watch=1</c>: a stream of watch events (apimachinery pkg/apis/meta/v1/watch.go: {"type":"ADDED|MODIFIED|DELETED",
    /// "object":...}, one JSON object per line), from the given resourceVersion (none or "0": every current object is
    /// ADDED first). The simulator polls its state and sends what changed, until timeoutSeconds or the client leaves.
    /// </summary>
    private static async Task WatchAsync(NodeDaemon daemon, HttpContext http, string path, string? fields, string? labels, string serverAddress)
    {
        var query = http.Request.Query;
        var timeout = int.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : DefaultWatchTimeout;
        var fromNow = query["resourceVersion"] is { Count: > 0 } rv && rv[0] is { Length: > 0 } start && start != "0";
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        bound.CancelAfter(timeout);
        Dictionary<string, (string Version, JsonObject Item)>? seen = null;
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await http.Response.StartAsync(bound.Token);
        try
        {
            while (!bound.IsCancellationRequested)
            {
                var state = await daemon.TryReadStateAsync();
                if (state is not null)
                {
                    var read = KubeReads.Get(state, path, fields, labels, serverAddress, DateTimeOffset.UtcNow, daemon.Grace);
                    if (read.Status != 200 || !read.IsList)
                    {
                        await Event(http, "ERROR", read.Status == 200 ? KubeReads.Status(405, "MethodNotAllowed", "watch needs a list path") : read.Body, bound.Token);
                        return;
                    }
                    var current = read.Body["items"]!.AsArray().Select(i => i!.AsObject())
                        .ToDictionary(i => $"{i["metadata"]?["namespace"]}/{i["metadata"]?["name"]}", i => ((string?)i["metadata"]?["resourceVersion"] ?? "", i));
                    if (seen is null && fromNow) seen = current;
                    seen ??= [];
                    foreach (var (key, (version, item)) in current)
                    {
                        if (!seen.TryGetValue(key, out var before)) await Event(http, "ADDED", item, bound.Token);
                        else if (before.Version != version) await Event(http, "MODIFIED", item, bound.Token);
                    }
                    foreach (var (key, (_, item)) in seen.Where(s => !current.ContainsKey(s.Key)))
                    {
                        await Event(http, "DELETED", item, bound.Token);
                    }
                    seen = current;
                }
                await Task.Delay(WatchPoll, bound.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The watch's time is up or the client went away: the stream ends, as upstream's does.
        }
    }

    private static async Task Event(HttpContext http, string type, JsonObject item, CancellationToken cancel)
    {
        await http.Response.WriteAsync(new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString() + "\n", cancel);
        await http.Response.Body.FlushAsync(cancel);
    }

    /// <summary>Writes go to the authority (the bootstrap server, as etcd's leader would apply them).</summary>
    private static async Task<IResult> WriteAsync(NodeDaemon daemon, bool loadBalancerOnly, HttpContext http)
    {
        if (await HealthFailureAsync(daemon, loadBalancerOnly) is { } failure) return Json(KubeReads.Status(500, "InternalError", failure), 500);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = KubeProtobuf.IsProtobuf(http.Request.ContentType)
            ? KubeProtobuf.ToJson(buffer.ToArray())?.ToJsonString()
            : System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        if (body is null) return Json(KubeReads.Status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"), 415);
        var path = http.Request.Path.Value ?? "";
        if (http.Request.Method == "POST" && path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        {
            return Json(AccessReview(body, (KubeUser)http.Items[nameof(KubeUser)]!), 201);
        }
        if (daemon.Link is not { } link) return Results.Text("etcdserver: request timed out", statusCode: 504);
        try
        {
            var response = await link.KubeAsync(new KubeRequest(http.Request.Method, path, body), CancellationToken.None);
            return Results.Text(response.Body, "application/json", statusCode: response.Status);
        }
        catch (Exception e) when (e is HttpRequestException or SupervisorRefusedException or TaskCanceledException)
        {
            return Results.Text("etcdserver: request timed out", statusCode: 504);
        }
    }

    /// <summary>
    /// <c>kubectl auth can-i</c>: RKE2's admin kubeconfig is in system:masters, which RBAC's cluster-admin binding allows
    /// everything (kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy); the simulator models no other RBAC,
    /// so any other user is denied.
    /// </summary>
    private static JsonObject AccessReview(string body, KubeUser user)
    {
        var review = (string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body) as JsonObject) ?? [];
        var allowed = user.Groups.Contains("system:masters", StringComparer.Ordinal);
        review["apiVersion"] = "authorization.k8s.io/v1";
        review["kind"] = "SelfSubjectAccessReview";
        review["metadata"] ??= new JsonObject();
        review["status"] = allowed
            ? new JsonObject { ["allowed"] = true }
            : new JsonObject { ["allowed"] = false, ["reason"] = $"no RBAC policy matched for user \"{user.Name}\"" };
        return review;
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

    private static async Task WriteAsync(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString());
    }

    private static IResult Json(JsonObject body, int status = 200) => Results.Text(body.ToJsonString(), "application/json", statusCode: status);
}

/// <summary>Who a request authenticated as: the client certificate's common name and organizations.</summary>
public sealed record KubeUser(string Name, IReadOnlyList<string> Groups);

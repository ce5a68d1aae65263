using System.Text.Json;
using Rke2Sim.Cluster;
using Rke2Sim.Hosting;

namespace Rke2Sim.Daemon;

/// <summary>
/// The supervisor on port 9345: RKE2's public endpoints (/ping, /cacerts, /v1-rke2/readyz) plus the simulator's
/// cluster-state calls, answered on the bootstrap server and forwarded upstream by every other server.
/// </summary>
public static class SupervisorEndpoints
{
    public static HttpEndpoint Create(NodeDaemon daemon) =>
        new("supervisor", daemon.ListenAddresses, 9345, daemon.ServingCertificate, app => Map(app, daemon));

    private static void Map(WebApplication app, NodeDaemon daemon)
    {
        app.MapGet("/ping", () => Results.Text("pong"));
        app.MapGet("/cacerts", () => Results.Text(daemon.Ca?.CertPem ?? ""));
        app.MapGet("/v1-rke2/readyz", () => daemon.RuntimeCoreReady
            ? Results.Text("ok")
            : Results.Text("runtime core not ready", statusCode: 503));

        MapCluster<JoinRequest>(app, daemon, "join", async (link, body) => await link.JoinAsync(body, CancellationToken.None));
        MapCluster<AddMemberRequest>(app, daemon, "add-member", async (link, body) => await link.AddMemberAsync(body, CancellationToken.None));
        MapCluster<NodeRequest>(app, daemon, "promote", async (link, body) =>
        {
            await link.PromoteAsync(body.Node, CancellationToken.None);
            return true;
        });
        MapCluster<RegisterApiServerRequest>(app, daemon, "register-apiserver", async (link, body) =>
        {
            await link.RegisterApiServerAsync(body, CancellationToken.None);
            return true;
        });
        MapCluster<NodeReport>(app, daemon, "report", async (link, body) => await link.ReportAsync(body, CancellationToken.None));
        MapCluster<NodeRequest>(app, daemon, "complete-start", async (link, body) =>
        {
            await link.CompleteStartAsync(body.Node, CancellationToken.None);
            return true;
        });
        MapCluster<SecretsEncryptRequest>(app, daemon, "secrets-encrypt", async (link, body) => await link.SecretsEncryptAsync(body.Node ?? daemon.NodeName, body.Command, CancellationToken.None));
        MapCluster<SnapshotRequest>(app, daemon, "snapshot", async (link, body) =>
        {
            await link.RecordSnapshotAsync(body.Name, CancellationToken.None);
            return true;
        });
        MapCluster<KubeRequest>(app, daemon, "kube", async (link, body) => await link.KubeAsync(body, CancellationToken.None));
        MapCluster<JsonElement>(app, daemon, "state", async (link, _) => await link.ReadStateAsync(CancellationToken.None));
        app.MapPost(Protocol.Prefix + "/token", async (HttpContext http) => await (await TokenRotation.HandleAsync(daemon, http)).ExecuteAsync(http));

        app.MapPost(Protocol.Prefix + "/local/etcd-snapshot", async (HttpContext http) =>
        {
            if (!LocalTokenMatches(daemon, http)) return Results.Text("Unauthorized", statusCode: 401);
            var request = await http.Request.ReadFromJsonAsync<SnapshotRequest>(Protocol.Json);
            return await LocalOperations.SnapshotAsync(daemon, request!.Name);
        });
    }

    private static void MapCluster<TBody>(WebApplication app, NodeDaemon daemon, string name, Func<IClusterLink, TBody, Task<object>> call)
    {
        app.MapPost(Protocol.Prefix + "/" + name, async (HttpContext http) =>
        {
            var presented = http.Request.Headers[Protocol.TokenHeader].ToString();
            IClusterLink link;
            if (daemon.Authority is { } authority)
            {
                // Joining (or restarting) needs the current token; a running node's calls ride its established session.
                var accepted = name == "join" ? authority.TokenMatches(presented) : authority.SessionTokenMatches(presented);
                if (!accepted) return Results.Text("Unauthorized", statusCode: 401);
                link = new LocalClusterLink(authority);
            }
            else if (daemon.UpstreamUrl is { } upstream)
            {
                link = new RemoteClusterLink(new SupervisorClient(upstream, presented));
            }
            else
            {
                return Results.Text("server is not ready", statusCode: 503);
            }
            var body = await http.Request.ReadFromJsonAsync<TBody>(Protocol.Json);
            try
            {
                var result = await call(link, body!);
                return Results.Text(JsonSerializer.Serialize(result, result.GetType(), Protocol.Json), "application/json");
            }
            catch (SupervisorRefusedException e)
            {
                return Results.Text(e.Body.Length > 0 ? e.Body : e.Message, statusCode: e.Status);
            }
            catch (HttpRequestException e)
            {
                return Results.Text(e.Message, statusCode: 503);
            }
        });
    }

    private static bool LocalTokenMatches(NodeDaemon daemon, HttpContext http)
    {
        var presented = http.Request.Headers[Protocol.TokenHeader].ToString();
        var local = SimPaths.ReadIfExists(SimPaths.TokenFile)?.Trim();
        return presented.Length > 0 && (presented == local || presented == daemon.TokenSecret);
    }
}

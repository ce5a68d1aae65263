using Rke2Sim.Cluster;
using Rke2Sim.Hosting;

namespace Rke2Sim.Daemon;

/// <summary>
/// The server side of <c>rke2 token rotate</c> (k3s pkg/server/token.go): the cluster's token changes (on the bootstrap
/// server, which holds the cluster state; other servers forward), and the server that was asked rewrites its own
/// <c>server/token</c> in the full format. Other nodes learn the new token only from their config on restart.
/// </summary>
public static class TokenRotation
{
    public static async Task<IResult> HandleAsync(NodeDaemon daemon, HttpContext http)
    {
        var presented = http.Request.Headers[Protocol.TokenHeader].ToString();
        var request = await http.Request.ReadFromJsonAsync<TokenRotateRequest>(Protocol.Json);
        string token;
        if (daemon.Authority is { } authority)
        {
            var result = authority.RotateToken(presented, request?.NewToken);
            if (result.Value is null) return Results.Text("Unauthorized", statusCode: result.Status);
            token = result.Value;
        }
        else if (daemon.UpstreamUrl is { } upstream)
        {
            try
            {
                token = (await new SupervisorClient(upstream, presented).PostAsync<TokenRotateResponse>(Protocol.Prefix + "/token", request ?? new TokenRotateRequest(null), CancellationToken.None)).Token;
            }
            catch (SupervisorRefusedException e)
            {
                return Results.Text(e.Body, statusCode: e.Status);
            }
            catch (HttpRequestException e)
            {
                return Results.Text(e.Message, statusCode: 503);
            }
        }
        else
        {
            return Results.Text("server is not ready", statusCode: 503);
        }
        if (daemon.Ca is { } ca) NodeFiles.WriteServerSecrets(ca, token);
        daemon.TokenSecret = token;
        daemon.Log("Token rotated");
        return Results.Json(new TokenRotateResponse(token), Protocol.Json);
    }
}

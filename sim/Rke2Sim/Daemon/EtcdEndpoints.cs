using Rke2Sim.Cluster;

namespace Rke2Sim.Daemon;

/// <summary>etcd's plain-HTTP metrics/health listener on 2381: up only while the etcd container runs.</summary>
public static class EtcdEndpoints
{
    public static HttpEndpoint Create(NodeDaemon daemon)
    {
        var addresses = daemon.Config.EtcdExposeMetrics ? new[] { daemon.Host.Loopback, daemon.Host.NodeAddress } : [daemon.Host.Loopback];
        return new HttpEndpoint("etcd", addresses, 2381, null, app => app.MapGet("/health", async (HttpContext http) =>
        {
            // serializable=true asks only whether this member can serve local reads; without it, raft must have a leader.
            var serializable = http.Request.Query["serializable"].ToString() == "true";
            var healthy = daemon.Runtime.IsRunning("etcd");
            var reason = healthy ? "" : "local member not running";
            if (healthy && !serializable)
            {
                var state = await daemon.TryReadStateAsync();
                if (state is null || !ClusterRules.HasQuorum(state, DateTimeOffset.UtcNow, daemon.Grace))
                {
                    healthy = false;
                    reason = "RAFT NO LEADER";
                }
            }
            var body = $"{{\"health\":\"{(healthy ? "true" : "false")}\",\"reason\":\"{reason}\"}}";
            return Results.Text(body, "text/plain; charset=utf-8", statusCode: healthy ? 200 : 503);
        }));
    }
}

namespace Rke2Sim.Daemon;

/// <summary>The listeners a node can have; each is started when its component comes up.</summary>
public sealed class Endpoints(NodeDaemon daemon)
{
    public HttpEndpoint Supervisor { get; } = SupervisorEndpoints.Create(daemon);

    public HttpEndpoint ApiServer { get; } = ApiServerEndpoints.Create(daemon, loadBalancerOnly: false);

    /// <summary>The client load balancer on nodes without an apiserver (agents, etcd-only servers).</summary>
    public HttpEndpoint LoadBalancer { get; } = ApiServerEndpoints.Create(daemon, loadBalancerOnly: true);

    public HttpEndpoint Etcd { get; } = EtcdEndpoints.Create(daemon);

    public async Task StopAllAsync()
    {
        foreach (var endpoint in new[] { Etcd, ApiServer, LoadBalancer, Supervisor }) await endpoint.StopAsync();
    }
}

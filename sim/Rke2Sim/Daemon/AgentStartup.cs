using System.Security.Cryptography.X509Certificates;
using Rke2Sim.Cluster;
using Rke2Sim.Hosting;
using Rke2Sim.Tls;

namespace Rke2Sim.Daemon;

/// <summary>The start of <c>rke2 agent</c>: reach a server, start the kubelet, register the node, then READY=1.</summary>
public static class AgentStartup
{
    public static async Task RunAsync(NodeDaemon daemon)
    {
        var config = daemon.Config;
        var release = daemon.Release;
        daemon.Log($"Starting rke2 agent {release.Version} ({release.Commit})");
        PreflightChecks.Run(daemon, isServer: false);
        if (config.Server is null) throw new FatalException("--server is required");
        if (config.Token is null) throw new FatalException("--token is required");
        var server = config.Server.TrimEnd('/');
        var token = ParsedToken.Parse(config.Token);
        var client = new SupervisorClient(server, token.Secret);
        var link = new RemoteClusterLink(client);
        var joined = await ConnectAsync(daemon, server, token, client, link);
        // k3s's agent stages the runtime (executor Bootstrap) once it has its configuration from a server.
        RuntimeImageStage.Run(daemon);

        var initialized = File.Exists(SimPaths.Resolve(SimPaths.NodeInitializedMarker));
        var clock = new StartupClock(daemon, daemon.Timing.TotalFor(initialized ? StartKind.Restart : StartKind.AgentJoin));
        daemon.Link = link;
        daemon.UpstreamUrl = server;
        daemon.Ca = new ClusterCa(joined.CaCertPem, null);
        daemon.TokenSecret = token.Secret;
        var now = DateTimeOffset.UtcNow;
        var signed = joined.Agent ?? throw new FatalException($"{server} did not sign this agent's certificates");
        daemon.ServingCertificate = X509CertificateLoader.LoadPkcs12(
            X509Certificate2.CreateFromPem(signed.ServingCertPem, signed.ServingKeyPem).Export(X509ContentType.Pkcs12), null);
        NodeFiles.WriteKubeletKubeconfig(daemon.Ca, daemon.Host.Loopback, signed.KubeletClientCertPem, signed.KubeletClientKeyPem);
        NodeFiles.WriteRuntimeFiles(release, daemon.Host.SimHome);
        NodeFiles.WriteManifests(daemon.Roles, config, release, daemon.NodeName, daemon.Host.NodeAddress, SecretsEncryption.Start);
        var endpoints = new Endpoints(daemon);
        await endpoints.LoadBalancer.StartAsync();
        _ = daemon.RunHeartbeatAsync();

        await clock.AtAsync(0.2);
        daemon.Log("Containerd is now running");
        await clock.AtAsync(0.3);
        await KubeletRunner.StartAsync(daemon);
        await clock.AtAsync(0.4);
        if (!config.DisableKubeProxy) daemon.Runtime.Start("kube-proxy", NodeFiles.ImageFor("kube-proxy", release.KubernetesImageTag), newPod: true);
        await clock.AtAsync(0.8);
        await WaitForApiServerAsync(daemon);
        daemon.Runtime.KubeletRunning = true;
        await daemon.ReportAsync();
        await clock.AtAsync(1.0);
        daemon.Log("rke2 agent is up and running");
        SystemdNotifier.Notify("READY=1");
        await link.CompleteStartAsync(daemon.NodeName, daemon.Stopping);
        SimPaths.WriteAtomically(SimPaths.NodeInitializedMarker, DateTimeOffset.UtcNow.ToString("O") + "\n");
        daemon.Runtime.Phase = NodePhase.Running;
        await daemon.ReportAsync();
        await Task.Delay(Timeout.Infinite, daemon.Stopping);
    }

    private static IReadOnlyList<string> ServingNames(NodeDaemon daemon) => [daemon.Host.Loopback, "127.0.0.1", "localhost"];

    private static async Task<JoinResponse> ConnectAsync(NodeDaemon daemon, string server, ParsedToken token, SupervisorClient client, RemoteClusterLink link)
    {
        while (true)
        {
            try
            {
                var caPem = await client.GetTextAsync("/cacerts", daemon.Stopping);
                var caHash = new ClusterCa(caPem, null).TokenHash;
                if (token.CaHash is not null && token.CaHash != caHash)
                    throw new FatalException($"Failed to validate connection to cluster at {server}: token CA hash does not match the Cluster CA certificate hash: {token.CaHash[3..]} != {caHash[3..]}");
                return await link.JoinAsync(new JoinRequest(daemon.NodeName, daemon.Host.NodeAddress, false, [], ServingNames(daemon)), daemon.Stopping);
            }
            catch (SupervisorRefusedException e) when (e.Status == 401)
            {
                throw new FatalException($"Failed to validate connection to cluster at {server}: token is not valid: {e.Message}");
            }
            catch (Exception e) when (e is HttpRequestException or SupervisorRefusedException)
            {
                daemon.Log($"Waiting to retrieve agent configuration; server is not ready: {e.Message}");
                await Task.Delay(daemon.Timing.RetryInterval(5), daemon.Stopping);
            }
        }
    }

    private static async Task WaitForApiServerAsync(NodeDaemon daemon)
    {
        while (true)
        {
            var state = await daemon.TryReadStateAsync();
            var now = DateTimeOffset.UtcNow;
            if (state is not null && ClusterRules.HasQuorum(state, now, daemon.Grace) && state.ApiServerAddresses.Keys.Any(n =>
                    state.Nodes.TryGetValue(n, out var node) && ClusterRules.IsFresh(node, now, daemon.Grace) && node.LastReport!.ApiServerRunning))
                return;
            daemon.Log("Waiting for apiserver to become available");
            await Task.Delay(daemon.Timing.RetryInterval(5), daemon.Stopping);
        }
    }
}

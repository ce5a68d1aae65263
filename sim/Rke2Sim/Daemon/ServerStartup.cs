using System.Security.Cryptography;
using Rke2Sim.Cluster;
using Rke2Sim.Hosting;
using Rke2Sim.Logging;
using Rke2Sim.Tls;

namespace Rke2Sim.Daemon;

/// <summary>The start of <c>rke2 server</c>: bootstrap or join, static pods, readiness, then READY=1.</summary>
public static class ServerStartup
{
    public static async Task RunAsync(NodeDaemon daemon)
    {
        var config = daemon.Config;
        var roles = daemon.Roles;
        var release = daemon.Release;
        daemon.Log($"Starting rke2 {release.Version} ({release.Commit})");
        PreflightChecks.Run(daemon, isServer: true);
        RuntimeImageStage.Run(daemon);

        var hasClusterData = File.Exists(SimPaths.Resolve(SimPaths.ClusterStateFile));
        var isBootstrap = hasClusterData || config.Server is null;
        if (isBootstrap && !roles.Etcd)
            throw new FatalException("starting kubernetes: invalid flag use; --server is required with --disable-etcd");
        var initialized = File.Exists(SimPaths.Resolve(SimPaths.NodeInitializedMarker));
        var kind = initialized ? StartKind.Restart : isBootstrap ? StartKind.Bootstrap : StartKind.ServerJoin;

        if (isBootstrap) Bootstrap(daemon, hasClusterData);
        else await JoinAsync(daemon);

        var clock = new StartupClock(daemon, daemon.Timing.TotalFor(kind));
        var ca = daemon.Ca!;
        var now = DateTimeOffset.UtcNow;
        var sans = new List<string> { daemon.Host.NodeAddress, daemon.Host.Loopback, "127.0.0.1", "localhost", daemon.NodeName, "kubernetes", "kubernetes.default" };
        sans.AddRange(config.GetList("tls-san"));
        daemon.ServingCertificate = LeafCertificates.Serving(ca, daemon.NodeName, sans, now);
        NodeFiles.WriteServerSecrets(ca, daemon.TokenSecret!);
        if (roles.Etcd) NodeFiles.WriteEtcdCertificates(ca, now);
        NodeFiles.WriteKubeconfigs(ca, daemon.Host.Loopback, roles, daemon.NodeName, now);
        NodeFiles.WriteRuntimeFiles(release, daemon.Host.SimHome);
        var stage = (await daemon.TryReadStateAsync())?.Encryption.Stage ?? SecretsEncryption.Start;
        var replaced = NodeFiles.WriteManifests(roles, config, release, daemon.NodeName, daemon.Host.NodeAddress, stage);
        var race = StartupRace.Outcome(release.HasStartupRace, roles, StartupRace.ReplacesOwnStaticPods(replaced),
            StartupRace.Draw(daemon.Host.Seed, daemon.NodeName, daemon.Timing.StartCount));

        var endpoints = new Endpoints(daemon);
        await endpoints.Supervisor.StartAsync();
        _ = daemon.RunHeartbeatAsync();
        using var notSynced = new NotSyncedLogger(daemon, roles.Etcd ? "etcd" : "kube-apiserver");

        await clock.AtAsync(0.1);
        daemon.Log("Containerd is now running");
        await clock.AtAsync(0.15);
        if (!roles.ApiServer) await endpoints.LoadBalancer.StartAsync();
        await KubeletRunner.StartAsync(daemon);
        await daemon.ReportAsync();

        await clock.AtAsync(0.2);
        if (!config.DisableKubeProxy) daemon.Runtime.Start("kube-proxy", NodeFiles.ImageFor("kube-proxy", release.KubernetesImageTag), newPod: true);

        if (roles.Etcd) await StartEtcdAsync(daemon, clock, endpoints, isBootstrap, notSynced);
        if (roles.ApiServer) await StartControlPlaneAsync(daemon, clock, endpoints, notSynced, replaced.Contains("kube-apiserver"));
        else notSynced.Dispose();

        if (roles.Etcd)
        {
            await clock.AtAsync(0.7);
            daemon.Log("ETCD server is now running");
        }
        if (roles.ApiServer)
        {
            await clock.AtAsync(0.72);
            daemon.Log("Kube API server is now running");
            daemon.Log("Connection to etcd is ready");
            StartupRace.Strike(race);
            await daemon.Link!.RegisterApiServerAsync(new RegisterApiServerRequest(daemon.NodeName, $"{daemon.Host.NodeAddress}:6443"), daemon.Stopping);
        }
        daemon.RuntimeCoreReady = true;

        await clock.AtAsync(0.85);
        _ = RegisterNodeWhenApiServerAvailableAsync(daemon);
        await clock.AtAsync(1.0);

        daemon.Log("rke2 is up and running");
        SystemdNotifier.Notify("READY=1");
        await daemon.Link!.CompleteStartAsync(daemon.NodeName, daemon.Stopping);
        SimPaths.WriteAtomically(SimPaths.NodeInitializedMarker, DateTimeOffset.UtcNow.ToString("O") + "\n");
        daemon.Runtime.Phase = NodePhase.Running;
        await daemon.ReportAsync();
        await Task.Delay(Timeout.Infinite, daemon.Stopping);
    }

    private static void Bootstrap(NodeDaemon daemon, bool hasClusterData)
    {
        var config = daemon.Config;
        var state = hasClusterData ? ClusterAuthority.LoadPersisted(SimPaths.ClusterStateFile) : null;
        var configured = config.Token is { } t ? ParsedToken.Parse(t).Secret : null;
        if (state is null)
        {
            daemon.Log("Managed etcd cluster initializing");
            var ca = ClusterCa.Create(DateTimeOffset.UtcNow);
            state = new ClusterState
            {
                Token = configured ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
                CaCertPem = ca.CertPem,
                CaKeyPem = ca.KeyPem!,
                CriticalConfig = new Dictionary<string, string>(config.CriticalConfig()),
            };
        }
        else
        {
            if (configured is not null && configured != state.Token)
                throw new FatalException("starting kubernetes: preparing server: bootstrap data already found and encrypted with different token");
            daemon.Log("Managed etcd cluster bootstrap already complete and initialized");
        }
        var authority = new ClusterAuthority(state, SimPaths.ClusterStateFile, () => DateTimeOffset.UtcNow, daemon.Grace)
        {
            ReencryptPerSecret = daemon.Timing.Scaled(1 / SecretsEncryption.SecretsPerSecond),
            UnhealthyAfterPromotion = daemon.Timing.Scaled(ClusterRules.UnhealthyAfterPromotion.TotalSeconds),
            Log = daemon.Log,
        };
        _ = RunReencryptControllerAsync(daemon, authority);
        daemon.Authority = authority;
        daemon.Link = new LocalClusterLink(authority);
        daemon.Ca = new ClusterCa(state.CaCertPem, state.CaKeyPem);
        daemon.TokenSecret = state.Token;
    }

    private static async Task RunReencryptControllerAsync(NodeDaemon daemon, ClusterAuthority authority)
    {
        try
        {
            while (true)
            {
                await Task.Delay(daemon.Heartbeat, daemon.Stopping);
                authority.Tick();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static async Task JoinAsync(NodeDaemon daemon)
    {
        var config = daemon.Config;
        var server = config.Server!.TrimEnd('/');
        if (config.Token is null)
            throw new FatalException("starting kubernetes: preparing server: token is required to join a cluster");
        var token = ParsedToken.Parse(config.Token);
        var client = new SupervisorClient(server, token.Secret);
        string caPem;
        try
        {
            caPem = await client.GetTextAsync("/cacerts", daemon.Stopping);
        }
        catch (HttpRequestException e)
        {
            throw new FatalException($"starting kubernetes: preparing server: failed to get CA certs: {e.Message}");
        }
        var caHash = new ClusterCa(caPem, null).TokenHash;
        if (token.CaHash is not null && token.CaHash != caHash)
            throw new FatalException($"starting kubernetes: preparing server: token CA hash does not match the Cluster CA certificate hash: {token.CaHash[3..]} != {caHash[3..]}");
        var link = new RemoteClusterLink(client);
        JoinResponse joined;
        try
        {
            joined = await link.JoinAsync(new JoinRequest(daemon.NodeName, daemon.Host.NodeAddress, true, new Dictionary<string, string>(config.CriticalConfig())), daemon.Stopping);
        }
        catch (SupervisorRefusedException e) when (e.Status == 401 && File.Exists(SimPaths.Resolve(SimPaths.NodeInitializedMarker)))
        {
            // A member restarting reads the bootstrap data from its own etcd, stored under the current token's key
            // (k3s pkg/cluster/storage.go getBootstrapKeyFromStorage): with a rotated-away token it finds none.
            throw new FatalException("starting kubernetes: preparing server: failed to bootstrap cluster data: failed to reconcile with local datastore: bootstrap data already found and encrypted with different token");
        }
        catch (SupervisorRefusedException e) when (e.Status == 401)
        {
            throw new FatalException($"starting kubernetes: preparing server: failed to bootstrap cluster data: {server}/v1-rke2/server-bootstrap: 401 Unauthorized");
        }
        catch (SupervisorRefusedException e) when (e.Status == 409)
        {
            throw new FatalException("failed to validate server configuration: critical configuration value mismatch between servers");
        }
        catch (Exception e) when (e is HttpRequestException or SupervisorRefusedException)
        {
            throw new FatalException($"starting kubernetes: preparing server: failed to bootstrap cluster data: {e.Message}");
        }
        daemon.Link = link;
        daemon.UpstreamUrl = server;
        daemon.Ca = new ClusterCa(joined.CaCertPem, joined.CaKeyPem);
        daemon.TokenSecret = joined.Token;
    }

    private static async Task StartEtcdAsync(NodeDaemon daemon, StartupClock clock, Endpoints endpoints, bool isBootstrap, NotSyncedLogger notSynced)
    {
        await clock.AtAsync(0.25);
        var peerUrl = $"https://{daemon.Host.NodeAddress}:2380";
        var learner = false;
        if (isBootstrap)
        {
            daemon.Authority!.AddFounder(daemon.NodeName, peerUrl);
            // k3s pkg/cluster/managed.go start: "Starting the managed database will clear the reset-flag if set".
            var flag = SimPaths.Resolve(ClusterReset.ResetFlagFile);
            if (File.Exists(flag)) File.Delete(flag);
        }
        else
        {
            await RefuseOldMemberDataAsync(daemon);
            var added = await AddMemberWhenEtcdAdmitsAsync(daemon, peerUrl);
            // A member left a learner by an earlier, failed start is promoted like a new one once its etcd runs
            // and catches up: etcd promotes learners, whether or not rke2 restarted in between.
            learner = added is AddMemberOutcome.AddedAsLearner or AddMemberOutcome.AlreadyMember;
            if (added == AddMemberOutcome.AddedAsLearner) daemon.Log($"Adding member {daemon.NodeName}={peerUrl} to etcd cluster");
        }
        daemon.Runtime.Start("etcd", NodeFiles.ImageFor("etcd", daemon.Release.EtcdImageTag), newPod: true);
        if ((await daemon.TryReadStateAsync())?.EtcdClusterId is { } clusterId)
            SimPaths.WriteAtomically(EtcdMemberMarker.Path, clusterId + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await clock.AtAsync(0.3);
        daemon.EtcdReady = true;
        await endpoints.Etcd.StartAsync();
        await daemon.ReportAsync();
        if (learner) _ = PromoteLaterAsync(daemon, clock);
        await clock.AtAsync(0.35);
        notSynced.MarkSynced("etcd");
        daemon.Log("Pod for etcd is synced");
    }

    /// <summary>
    /// A server that kept its etcd data across another server's <c>--cluster-reset</c> starts etcd from that data, whose
    /// cluster is not the reset one: etcd's peers ignore it ("request sent was ignored by remote peer due to cluster ID
    /// mismatch", go.etcd.io/etcd/server/etcdserver/api/rafthttp/http.go and peer.go) and rke2 never becomes ready, which
    /// is why the procedure says to back up and delete <c>server/db</c> on each peer first (k3s pkg/etcd/etcd.go Reset's
    /// message; docs.rke2.io backup_restore). It waits here, logging, until stopped; without the old data it joins.
    /// </summary>
    private static async Task RefuseOldMemberDataAsync(NodeDaemon daemon)
    {
        var old = EtcdMemberMarker.Read();
        if (old is null) return;
        var state = await daemon.TryReadStateAsync();
        if (state is null || state.EtcdClusterId == old) return;
        while (true)
        {
            daemon.Log("etcd: request sent was ignored by remote peer due to cluster ID mismatch");
            await Task.Delay(daemon.Timing.RetryInterval(5), daemon.Stopping);
        }
    }

    /// <summary>
    /// etcd admits one learner at a time and refuses membership changes as "unhealthy cluster" just after a promotion;
    /// since k3s-io/k3s#7000 and #7351 a joining server logs and retries until it is admitted, instead of failing.
    /// </summary>
    private static async Task<AddMemberOutcome> AddMemberWhenEtcdAdmitsAsync(NodeDaemon daemon, string peerUrl)
    {
        while (true)
        {
            AddMemberResponse added;
            try
            {
                added = await daemon.Link!.AddMemberAsync(new AddMemberRequest(daemon.NodeName, peerUrl, daemon.Roles.ApiServer), daemon.Stopping);
            }
            catch (Exception e) when (e is HttpRequestException or SupervisorRefusedException)
            {
                throw new FatalException($"ETCD join failed: {e.Message}");
            }
            var refusal = added.Outcome switch
            {
                AddMemberOutcome.TooManyLearners => ClusterRules.TooManyLearnersError,
                AddMemberOutcome.UnhealthyCluster => ClusterRules.UnhealthyClusterError,
                _ => null,
            };
            if (refusal is null) return added.Outcome;
            daemon.Log($"Waiting for other members to finish joining etcd cluster: {refusal}");
            await Task.Delay(daemon.Timing.RetryInterval(1), daemon.Stopping);
        }
    }

    private static async Task PromoteLaterAsync(NodeDaemon daemon, StartupClock clock)
    {
        try
        {
            await clock.AtAsync(0.55);
            await daemon.Link!.PromoteAsync(daemon.NodeName, daemon.Stopping);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or SupervisorRefusedException)
        {
            // Stays a learner; the next start retries the join.
        }
    }

    private static async Task StartControlPlaneAsync(NodeDaemon daemon, StartupClock clock, Endpoints endpoints, NotSyncedLogger notSynced, bool replacesApiServer)
    {
        await clock.AtAsync(0.35);
        await WaitForEtcdQuorumAsync(daemon);
        var image = NodeFiles.ImageFor("kube-apiserver", daemon.Release.KubernetesImageTag);
        daemon.Runtime.Start("kube-apiserver", image, newPod: true);
        await endpoints.ApiServer.StartAsync();
        await daemon.ReportAsync();
        // A start that replaces this node's kube-apiserver pod (new image or config) runs the old one until the
        // kubelet swaps it in (rancher/rke2#8269: "while the apiserver is still being restarted").
        if (replacesApiServer)
        {
            await clock.AtAsync(0.5);
            await RestartApiServerAsync(daemon, endpoints);
        }
        await clock.AtAsync(0.6);
        var tag = daemon.Release.KubernetesImageTag;
        if (daemon.Roles.ControllerManager) daemon.Runtime.Start("kube-controller-manager", NodeFiles.ImageFor("kube-controller-manager", tag), newPod: true);
        if (daemon.Roles.Scheduler) daemon.Runtime.Start("kube-scheduler", NodeFiles.ImageFor("kube-scheduler", tag), newPod: true);
        if (!daemon.Config.DisableCloudController) daemon.Runtime.Start("cloud-controller-manager", NodeFiles.ImageFor("cloud-controller-manager", "v1.33.0-rc1.0.20250430074337-dc03cb4b3faa-build20250508"), newPod: true);
        await clock.AtAsync(0.65);
        notSynced.MarkSynced("kube-apiserver");
        notSynced.Dispose();
        daemon.Log("Pod for kube-apiserver is synced");
    }

    private static async Task WaitForEtcdQuorumAsync(NodeDaemon daemon)
    {
        while (true)
        {
            var state = await daemon.TryReadStateAsync();
            if (state is not null && ClusterRules.HasQuorum(state, DateTimeOffset.UtcNow, daemon.Grace)) return;
            daemon.Log("Waiting for etcd server to become available");
            await Task.Delay(daemon.Timing.RetryInterval(5), daemon.Stopping);
        }
    }

    private static async Task RestartApiServerAsync(NodeDaemon daemon, Endpoints endpoints)
    {
        daemon.Runtime.Stop("kube-apiserver");
        await endpoints.ApiServer.StopAsync();
        await daemon.ReportAsync();
        await Task.Delay(daemon.Timing.Scaled(1.5), daemon.Stopping);
        daemon.Runtime.Start("kube-apiserver", NodeFiles.ImageFor("kube-apiserver", daemon.Release.KubernetesImageTag), newPod: false);
        await endpoints.ApiServer.StartAsync();
        await daemon.ReportAsync();
    }

    private static async Task RegisterNodeWhenApiServerAvailableAsync(NodeDaemon daemon)
    {
        try
        {
            while (true)
            {
                var state = await daemon.TryReadStateAsync();
                var now = DateTimeOffset.UtcNow;
                if (state is not null && state.ApiServerAddresses.Keys.Any(n =>
                        state.Nodes.TryGetValue(n, out var node) && ClusterRules.IsFresh(node, now, daemon.Grace) && node.LastReport!.ApiServerRunning))
                {
                    daemon.Runtime.KubeletRunning = true;
                    await daemon.ReportAsync();
                    return;
                }
                await Task.Delay(daemon.Heartbeat, daemon.Stopping);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}

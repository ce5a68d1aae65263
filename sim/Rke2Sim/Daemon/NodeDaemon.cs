using System.Security.Cryptography.X509Certificates;
using Rke2Sim.Cluster;
using Rke2Sim.Config;
using Rke2Sim.Hosting;
using Rke2Sim.Logging;
using Rke2Sim.Tls;
using Rke2Sim.Versions;

namespace Rke2Sim.Daemon;

/// <summary>Everything one running <c>rke2 server|agent</c> process knows and holds.</summary>
public sealed class NodeDaemon
{
    public NodeDaemon(HostEnvironment host, Rke2Config config, ReleaseInfo release, NodeRoles roles, CancellationToken stopping)
    {
        Host = host;
        Config = config;
        Release = release;
        Roles = roles;
        NodeName = config.NodeName(host.HostName);
        Stopping = stopping;
        Timing = new StartupTiming(host, NodeName);
        Heartbeat = TimeSpan.FromMilliseconds(Math.Max(1000, host.ScaledSeconds(10).TotalMilliseconds));
        Grace = TimeSpan.FromMilliseconds(Math.Max(4 * Heartbeat.TotalMilliseconds, host.ScaledSeconds(40).TotalMilliseconds));
        Runtime = new NodeRuntime(NodeName, host.NodeAddress, roles, release.Version, BuildLabels(), [.. config.GetList("node-taint")]);
    }

    public HostEnvironment Host { get; }
    public Rke2Config Config { get; }
    public ReleaseInfo Release { get; }
    public NodeRoles Roles { get; }
    public string NodeName { get; }
    public CancellationToken Stopping { get; }
    public StartupTiming Timing { get; }
    public NodeRuntime Runtime { get; }

    /// <summary>How often the kubelet posts node status (10 s for real, scaled).</summary>
    public TimeSpan Heartbeat { get; }

    /// <summary>How long before a silent node turns Unknown (node-monitor-grace-period, 40 s for real, scaled).</summary>
    public TimeSpan Grace { get; }

    public IClusterLink? Link { get; set; }
    public ClusterAuthority? Authority { get; set; }
    public ClusterCa? Ca { get; set; }
    public string? TokenSecret { get; set; }
    public X509Certificate2? ServingCertificate { get; set; }

    /// <summary>The supervisor URL this node joins through; null on the bootstrap server.</summary>
    public string? UpstreamUrl { get; set; }

    /// <summary>True once the runtime core (etcd and/or apiserver as this node has them) is up.</summary>
    public bool RuntimeCoreReady { get; set; }

    public bool EtcdReady { get; set; }

    public IReadOnlyList<string> ListenAddresses => [Host.NodeAddress, Host.Loopback];

    public async Task ReportAsync()
    {
        if (Link is null) return;
        try
        {
            await Link.ReportAsync(Runtime.Report(), CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or SupervisorRefusedException or TaskCanceledException)
        {
            // The apiserver being unreachable only delays the status update, as for a real kubelet.
        }
    }

    /// <summary>Posts node status at the kubelet's interval until the process stops.</summary>
    public async Task RunHeartbeatAsync()
    {
        while (!Stopping.IsCancellationRequested)
        {
            await ReportAsync();
            try
            {
                await Task.Delay(Heartbeat, Stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task<ClusterState?> TryReadStateAsync()
    {
        if (Link is null) return null;
        try
        {
            return await Link.ReadStateAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or SupervisorRefusedException or TaskCanceledException)
        {
            return null;
        }
    }

    private Dictionary<string, string> BuildLabels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/instance-type"] = "rke2",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = NodeName,
            ["kubernetes.io/os"] = "linux",
            ["node.kubernetes.io/instance-type"] = "rke2",
        };
        foreach (var (key, value) in Roles.RoleLabels()) labels[key] = value;
        foreach (var label in Config.GetList("node-label"))
        {
            var eq = label.IndexOf('=');
            if (eq > 0) labels[label[..eq]] = label[(eq + 1)..];
            else labels[label] = "";
        }
        return labels;
    }

    public void Log(string message) => LogrusLog.Info(message);
}

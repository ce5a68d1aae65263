using System.Runtime.InteropServices;
using Rke2Sim.Config;
using Rke2Sim.Hosting;
using Rke2Sim.Logging;
using Rke2Sim.Versions;

namespace Rke2Sim.Daemon;

/// <summary>Runs <c>rke2 server</c> or <c>rke2 agent</c> as a process: exit 0 on SIGTERM, 1 on fatal errors, 2 on panics.</summary>
public static class DaemonHost
{
    public static async Task<int> RunAsync(bool server, ReleaseInfo release, ClusterResetRequest? reset = null)
    {
        var host = HostEnvironment.Load();
        Rke2Config config;
        try
        {
            config = ConfigMerger.LoadFrom(SimPaths.Resolve(SimPaths.ConfigFile), SimPaths.Resolve(SimPaths.ConfigDropIns));
        }
        catch (ConfigException e)
        {
            LogrusLog.Fatal(e.Message);
            return 1;
        }
        if (reset is not null)
            return ClusterReset.Run(host, config, reset, NodeRoles.ForServer(config), $"Starting rke2 {release.Version} ({release.Commit})");
        using var stopping = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopping.Cancel();
        });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stopping.Cancel();
        });
        var roles = server ? NodeRoles.ForServer(config) : NodeRoles.Agent;
        var daemon = new NodeDaemon(host, config, release, roles, stopping.Token);
        var exitCode = 0;
        try
        {
            await (server ? ServerStartup.RunAsync(daemon) : AgentStartup.RunAsync(daemon));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            exitCode = 0;
        }
        catch (FatalException e)
        {
            LogrusLog.Fatal(e.Message);
            exitCode = 1;
        }
        catch (PanicException e)
        {
            GoPanic.Write(e.Message);
            exitCode = 2;
        }
        await ShutDownAsync(daemon);
        return exitCode;
    }

    /// <summary>The process is gone: its components stop and the cluster is told so (the node itself turns Unknown only after the grace period).</summary>
    private static async Task ShutDownAsync(NodeDaemon daemon)
    {
        daemon.Runtime.Phase = Cluster.NodePhase.Stopped;
        daemon.RuntimeCoreReady = false;
        daemon.EtcdReady = false;
        daemon.Runtime.StopAll();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await daemon.ReportAsync().WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Best effort.
        }
    }
}

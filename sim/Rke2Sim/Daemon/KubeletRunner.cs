using System.Globalization;
using Rke2Sim.Hosting;
using Rke2Sim.Kernel;
using Rke2Sim.Logging;

namespace Rke2Sim.Daemon;

/// <summary>Starts the kubelet; with protect-kernel-defaults and wrong kernel flags it fails and is restarted forever.</summary>
public static class KubeletRunner
{
    public static async Task StartAsync(NodeDaemon daemon)
    {
        daemon.Log($"Running kubelet --address=0.0.0.0 --anonymous-auth=false --hostname-override={daemon.NodeName} " +
                   $"--kubeconfig={SimPaths.KubeletKubeconfig} --node-ip={daemon.Host.NodeAddress} " +
                   $"--pod-manifest-path={SimPaths.PodManifests} --protect-kernel-defaults={(daemon.Config.ProtectKernelDefaults ? "true" : "false")}");
        if (!daemon.Config.ProtectKernelDefaults) return;
        // The kubelet exits at container manager start and rke2 restarts it: static pods never start and the node never
        // registers, until the kernel values are right when the kubelet is next started.
        var pid = Environment.ProcessId + 7;
        while (true)
        {
            var violations = KernelParameters.KubeletViolations(KernelParameters.ReadAll());
            if (violations.Count == 0) return;
            var now = DateTime.UtcNow;
            var klogTime = now.ToString("MMdd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            var lines =
                $"I{klogTime} {pid,7} server.go:1263] \"Started kubelet\"\n" +
                $"E{klogTime} {pid,7} kubelet.go:1649] \"Failed to start ContainerManager\" err=\"[{string.Join(", ", violations)}]\"\n";
            File.AppendAllText(SimPaths.Resolve(SimPaths.KubeletLog), lines);
            LogrusLog.Error("Kubelet exited: exit status 1");
            pid += 3;
            await Task.Delay(daemon.Timing.RetryInterval(5), daemon.Stopping);
        }
    }
}

using Rke2Sim.Hosting;
using Rke2Sim.Kernel;

namespace Rke2Sim.Daemon;

/// <summary>What RKE2 validates before starting anything: the CIS profile requirements.</summary>
public static class PreflightChecks
{
    public static void Run(NodeDaemon daemon, bool isServer)
    {
        var config = daemon.Config;
        if (!config.CisProfile) return;
        if (config.ProtectKernelDefaultsExplicitlyOff)
            throw new FatalException($"--protect-kernel-defaults must be true when using --profile={config.GetString("profile")}");
        var problems = new List<string>();
        if (isServer && !EtcdUserExists())
            problems.Add("missing required user: unknown user etcd");
        problems.AddRange(KernelParameters.CisViolations(KernelParameters.ReadAll()));
        if (problems.Count > 0) throw new FatalException(string.Join("\n", problems) + "\n");
    }

    /// <summary>The CIS profile needs an etcd system user on servers (the hardening guide's useradd step).</summary>
    private static bool EtcdUserExists() =>
        SimPaths.ReadIfExists("/etc/passwd") is { } passwd &&
        passwd.Split('\n').Any(line => line.StartsWith("etcd:", StringComparison.Ordinal));
}

namespace Rke2Sim.Hosting;

/// <summary>
/// Maps the absolute paths RKE2 uses onto the filesystem. In the lab the root is "/" (each host has its own mount
/// namespace); tests and hand-made experiments can set RKE2_SIM_ROOT to run several nodes under one directory tree.
/// </summary>
public static class SimPaths
{
    public const string ConfigFile = "/etc/rancher/rke2/config.yaml";
    public const string ConfigDropIns = "/etc/rancher/rke2/config.yaml.d";
    public const string AdminKubeconfig = "/etc/rancher/rke2/rke2.yaml";
    public const string DataDir = "/var/lib/rancher/rke2";
    public const string ServerDir = "/var/lib/rancher/rke2/server";
    public const string DbDir = "/var/lib/rancher/rke2/server/db";
    public const string SnapshotDir = "/var/lib/rancher/rke2/server/db/snapshots";
    public const string TlsDir = "/var/lib/rancher/rke2/server/tls";
    public const string ServerCaCert = "/var/lib/rancher/rke2/server/tls/server-ca.crt";
    public const string ServerCaKey = "/var/lib/rancher/rke2/server/tls/server-ca.key";
    public const string TokenFile = "/var/lib/rancher/rke2/server/token";
    public const string NodeTokenFile = "/var/lib/rancher/rke2/server/node-token";
    public const string AgentDir = "/var/lib/rancher/rke2/agent";
    public const string KubeletKubeconfig = "/var/lib/rancher/rke2/agent/kubelet.kubeconfig";
    public const string CrictlConfig = "/var/lib/rancher/rke2/agent/etc/crictl.yaml";
    public const string AgentImagesDir = "/var/lib/rancher/rke2/agent/images";
    public const string PodManifests = "/var/lib/rancher/rke2/agent/pod-manifests";
    public const string KubeletLog = "/var/lib/rancher/rke2/agent/logs/kubelet.log";
    public const string BinDir = "/var/lib/rancher/rke2/bin";
    public const string ContainerdSocket = "/run/k3s/containerd/containerd.sock";
    public const string ProcSys = "/proc/sys";

    /// <summary>Cluster state held by the bootstrap server (stands in for etcd's data).</summary>
    public const string ClusterStateFile = "/var/lib/rancher/rke2/server/db/etcd/sim-cluster.json";

    /// <summary>Marks that this node has completed a start before (so the next start is a restart, not a join).</summary>
    public const string NodeInitializedMarker = "/var/lib/rancher/rke2/agent/sim-node-initialized";

    public static string Root => Environment.GetEnvironmentVariable("RKE2_SIM_ROOT") ?? "";

    public static string Resolve(string absolutePath) =>
        Root.Length == 0 ? absolutePath : Path.Join(Root, absolutePath);

    /// <summary>Where the simulated container runtime keeps its container list, next to the CRI socket path.</summary>
    public static string ContainerStateFor(string socketPath) => socketPath + ".sim.json";

    public static void WriteAtomically(string absolutePath, string content, UnixFileMode? mode = null)
    {
        var path = Resolve(absolutePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, content);
        if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, m);
        File.Move(temp, path, overwrite: true);
    }

    public static string? ReadIfExists(string absolutePath)
    {
        var path = Resolve(absolutePath);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}

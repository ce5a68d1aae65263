namespace Rke2Converge.Model;

/// <summary>Where RKE2 keeps things on a node (tarball install under /usr/local), and the files rke2c manages.</summary>
internal static class Rke2Paths
{
    public const string ConfigFile = "/etc/rancher/rke2/config.yaml";
    public const string ConfigDropInDirectory = "/etc/rancher/rke2/config.yaml.d";
    public const string AdminKubeconfig = "/etc/rancher/rke2/rke2.yaml";
    public const string Kubectl = "/var/lib/rancher/rke2/bin/kubectl";
    public const string Crictl = "/var/lib/rancher/rke2/bin/crictl";
    public const string CrictlConfig = "/var/lib/rancher/rke2/agent/etc/crictl.yaml";
    public const string InstallPrefix = "/usr/local";
    public const string Rke2Binary = "/usr/local/bin/rke2";
    public const string UnitDirectory = "/usr/local/lib/systemd/system";

    /// <summary>
    /// The install script's fallback prefix (rancher/rke2 install.sh setup_env): used when /usr/local is read-only (the
    /// script also when it is a mount point of its own). The script then rewrites the units' paths and moves them to
    /// /etc/systemd/system.
    /// </summary>
    public const string FallbackInstallPrefix = "/opt/rke2";

    public const string FallbackRke2Binary = FallbackInstallPrefix + "/bin/rke2";

    /// <summary>
    /// For a script whose first argument is <see cref="Rke2Binary"/>: on a host where rke2 lives under the fallback
    /// prefix instead, <c>$1</c> becomes that one, in the order the fact script looks (so the binary run is the one the
    /// plan saw).
    /// </summary>
    public const string ResolveRke2Argument =
        "if [ ! -x \"$1\" ] && [ -x '" + FallbackRke2Binary + "' ]; then shift; set -- '" + FallbackRke2Binary + "' \"$@\"; fi\n";

    /// <summary>The one sysctl file rke2c writes; 90 sorts after distribution defaults so its values win at boot.</summary>
    public const string ManagedSysctlFile = "/etc/sysctl.d/90-rke2c.conf";

    /// <summary>Where RKE2 looks for air-gap images tarballs at start (the install script's INSTALL_RKE2_AGENT_IMAGES_DIR default).</summary>
    public const string AgentImagesDirectory = "/var/lib/rancher/rke2/agent/images";

    /// <summary>rke2c's own state on a node: the lock, the pending marker, backups and staged artifacts all live below it.</summary>
    public const string StateDirectory = "/var/lib/rancher/rke2c";

    /// <summary>Where a server keeps its certificates (the CAs and the leaf certificates issued from them).</summary>
    public const string ServerTlsDirectory = "/var/lib/rancher/rke2/server/tls";

    /// <summary>The cluster CA as every node's agent fetched it from its server (k3s pkg/agent/config/config.go), servers included.</summary>
    public const string AgentServerCa = "/var/lib/rancher/rke2/agent/server-ca.crt";

    /// <summary>Marks work an interrupted or failed rollout left on the node; see <c>Facts.PendingWork</c>.</summary>
    public const string PendingWorkMarker = StateDirectory + "/pending";

    /// <summary>The cluster lock an apply holds on every host while it runs; see <c>Rollout.ClusterLock</c>.</summary>
    public const string LockFile = StateDirectory + "/lock";

    /// <summary>The cluster this host belongs to, as rke2c recorded it once the node passed its gates: its name and CA hash.</summary>
    public const string IdentityFile = StateDirectory + "/cluster-identity";

    /// <summary>Where previous versions of files rke2c replaces are kept, one timestamped copy per write.</summary>
    public const string BackupDirectory = StateDirectory + "/backups";
}

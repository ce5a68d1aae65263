namespace Rke2Converge.Facts;

/// <summary>State of one systemd unit on a node.</summary>
internal sealed record ServiceFacts(string Unit, bool Installed, bool Enabled, string ActiveState)
{
    public bool IsActive => ActiveState == "active";

    public static ServiceFacts Missing(string unit) => new(unit, false, false, "inactive");
}

/// <summary>Everything the planner needs to know about one node, read in one round trip.</summary>
internal sealed record HostFacts
{
    public required string Node { get; init; }

    /// <summary>Runtime value of each sysctl asked about, whitespace-normalised; null when the key does not exist.</summary>
    public required IReadOnlyDictionary<string, string?> Sysctls { get; init; }

    /// <summary>Content of the sysctl file rke2c manages, or null when absent.</summary>
    public string? ManagedSysctlFile { get; init; }

    /// <summary>Content of config.yaml, or null when absent.</summary>
    public string? ConfigYaml { get; init; }

    /// <summary>Files in config.yaml.d that RKE2 reads after config.yaml, in the order it reads them.</summary>
    public IReadOnlyList<ConfigDropIn> ConfigDropIns { get; init; } = [];

    /// <summary>What an earlier rollout left unfinished here.</summary>
    public PendingWork Pending { get; init; }

    /// <summary>Version from <c>rke2 --version</c>, or null when rke2 is not installed.</summary>
    public string? InstalledVersion { get; init; }

    /// <summary>Where the tarball goes (or went) on this host: /usr/local, or /opt/rke2 by the install script's rule.</summary>
    public string InstallPrefix { get; init; } = Model.Rke2Paths.InstallPrefix;

    /// <summary>Why <see cref="InstallPrefix"/> is /opt/rke2 (null for /usr/local): installed there, read-only, mount point.</summary>
    public string? InstallPrefixReason { get; init; }

    public required ServiceFacts ServerService { get; init; }
    public required ServiceFacts AgentService { get; init; }

    /// <summary>ID from /etc/os-release, e.g. debian.</summary>
    public string OsId { get; init; } = "unknown";

    public string OsVersion { get; init; } = "";

    /// <summary>The images tarballs in <c>/var/lib/rancher/rke2/agent/images/</c> named <c>rke2-images*</c>, by file name, with their SHA-256.</summary>
    public IReadOnlyDictionary<string, string> StagedImages { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Architecture in release-artifact spelling: amd64, arm64, s390x.</summary>
    public string Arch { get; init; } = "unknown";

    public string Hostname { get; init; } = "";

    /// <summary>The rke2c lock file found on the host (another run's, when read by plan), or null.</summary>
    /// <remarks>Not part of a saved plan's fingerprint: apply reads facts under its own lock.</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public HeldLock? Lock { get; init; }

    /// <summary>The certificates under <c>/var/lib/rancher/rke2/server/tls/</c> and how long each has left (empty on agents).</summary>
    /// <remarks>
    /// Not part of a saved plan's fingerprint: the time left shrinks between plan and apply. It feeds notes and drift
    /// only, which apply reviews again from the facts it reads.
    /// </remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<CertificateExpiry> Certificates { get; init; } = [];

    /// <summary>SHA-256 of the cluster CA certificate (DER) the node's agent holds; null where RKE2 never ran or openssl is missing.</summary>
    public string? ClusterCaSha256 { get; init; }

    /// <summary>The cluster rke2c recorded this host as belonging to (<see cref="Model.Rke2Paths.IdentityFile"/>); null when none is.</summary>
    public ClusterIdentity? RecordedIdentity { get; init; }

    /// <summary>The nodes the cluster has, by name, when this host was asked (one server per plan) and its API answered.</summary>
    public IReadOnlyList<string>? ClusterNodes { get; init; }

    /// <summary>Each node's secrets-encryption hash annotation, read with <see cref="ClusterNodes"/>.</summary>
    public IReadOnlyDictionary<string, string>? EncryptionHashes { get; init; }

    /// <summary>What <c>rke2 secrets-encrypt status</c> printed, read with <see cref="ClusterNodes"/>.</summary>
    public string? SecretsEncryptStatus { get; init; }

    /// <summary>The RKE2 unit is crash-looping: systemd restarted it this often and it last died with this line.</summary>
    public CrashLoop? Crash { get; init; }

    /// <summary>Each requested resource's parsed state, by resource key.</summary>
    public IReadOnlyDictionary<string, object> Resources { get; init; } = new Dictionary<string, object>();
}

/// <summary>A unit systemd keeps restarting, and the fatal line or Go panic it last died with.</summary>
internal sealed record CrashLoop(string Unit, int Restarts, string Line);

/// <summary>A host's lock file as read: its content (the holder) and its age on the host's own clock.</summary>
internal sealed record HeldLock(string Holder, TimeSpan Age);

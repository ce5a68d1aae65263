using Rke2Converge.Resources;

namespace Rke2Converge.Plan.Changes;

/// <summary>
/// One difference between desired and actual state on a node, as the plan shows it. A change carries no secret
/// values; the rollout turns each change into remote commands (an unchanged item produces no change, so no command).
/// </summary>
internal abstract record Change
{
    /// <summary>Short stable name of the kind of change, used in JSON output.</summary>
    public abstract string Kind { get; }

    /// <summary>One line for the plan.</summary>
    public abstract string Summary { get; }

    /// <summary>Further lines shown under the summary (config entries, for instance).</summary>
    public virtual IReadOnlyList<string> Details => [];

    /// <summary>What the change asks of the RKE2 service afterwards, like an Ansible handler: collected, acted on once.</summary>
    public virtual ServiceEffect Effect => ServiceEffect.None;

    /// <summary>Why the service restarts, in the plan, when this change is what asks for it.</summary>
    public virtual string RestartReason => $"{Kind} changes";
}

/// <summary>A sysctl's runtime value differs.</summary>
internal sealed record SysctlChange(string Key, string? Before, string After, bool RequiredByKubelet) : Change
{
    public override string Kind => "sysctl";

    public override string Summary =>
        $"sysctl {Key}: {Before ?? "(missing)"} → {After}{(RequiredByKubelet ? " (required by protect-kernel-defaults)" : "")}";
}

/// <summary>The persisted sysctl file differs: written so the values survive a reboot.</summary>
internal sealed record SysctlFileChange(string Path, string? Before, string After) : Change
{
    public override string Kind => "sysctl-file";

    public override string Summary => $"{Path}: {(Before is null ? "create" : "update")}";
}

/// <summary>config.yaml differs key by key; the new file is rendered at apply time, when secrets are resolved.</summary>
internal sealed record ConfigFileChange(string Path, bool Exists, IReadOnlyList<Diff.ConfigEntryChange> Entries) : Change
{
    public override string Kind => "config";

    /// <summary>No entry differs, but the file's text does: the template's own lines (comments, layout) changed.</summary>
    public bool TextOnly { get; init; }

    public override string Summary => TextOnly
        ? $"{Path}: update (the template's own text differs; no entry changes)"
        : $"{Path}: {(Exists ? "update" : "create")} ({Entries.Count} {(Entries.Count == 1 ? "entry" : "entries")})";

    public override IReadOnlyList<string> Details => [.. Entries.Select(entry => entry.ToString())];

    public override ServiceEffect Effect => ServiceEffect.Restart;

    public override string RestartReason => "config changes";
}

/// <summary>
/// A drop-in in config.yaml.d that fights the playbook is removed (<c>ConfigDropIns.Remove()</c>); the previous file
/// is kept as a backup. <see cref="Reason"/> names keys, never values.
/// </summary>
internal sealed record ConfigDropInRemoval(string Path, string Reason) : Change
{
    public override string Kind => "config-drop-in";

    public override string Summary => $"- {Path} ({Reason})";

    public override ServiceEffect Effect => ServiceEffect.Restart;

    public override string RestartReason => "config changes";
}

/// <summary>RKE2 is missing or at another version.</summary>
internal sealed record InstallChange(string? From, Model.Rke2Version To, string Arch) : Change
{
    /// <summary>The install prefix, as the install script chooses it on this host.</summary>
    public string Prefix { get; init; } = Model.Rke2Paths.InstallPrefix;

    /// <summary>Why the prefix is not /usr/local (null when it is).</summary>
    public string? PrefixReason { get; init; }

    public override string Kind => From is null ? "install" : "upgrade";

    public override string Summary => (From is null ? $"rke2: install {To} ({Arch})" : $"rke2: upgrade {From} → {To}")
        + (PrefixReason is null ? "" : $" under {Prefix} ({PrefixReason})");

    public override ServiceEffect Effect => ServiceEffect.Restart;

    public override string RestartReason => "version changes";
}

/// <summary>
/// An images tarball is missing from <c>/var/lib/rancher/rke2/agent/images/</c> or holds other bytes: pushed there from
/// the local artifact directory. RKE2 imports the directory when it starts, so the change asks nothing of a running
/// service; a node that is installed or upgraded in the same run starts on the new images.
/// </summary>
internal sealed record AirGapImageChange(string File, string? StagedSha256, string Sha256, long Bytes) : Change
{
    public override string Kind => "airgap-images";

    public override string Summary => StagedSha256 is null
        ? $"{Model.Rke2Paths.AgentImagesDirectory}/{File}: stage ({Bytes / 1024} KiB, sha256 {Sha256[..12]})"
        : $"{Model.Rke2Paths.AgentImagesDirectory}/{File}: replace (sha256 {StagedSha256[..Math.Min(12, StagedSha256.Length)]} → {Sha256[..12]})";
}

internal enum ServiceAction
{
    None,
    Start,
    Restart,

    /// <summary>A server's service stopped, <c>rke2 certificate rotate</c> run, and the service started again (new leaf certificates).</summary>
    RotateCertificates,

    /// <summary>The host rebooted (<c>systemctl reboot</c>); the enabled unit starts with the new boot.</summary>
    Reboot,

    /// <summary>No restart, only the readiness gates: an earlier run restarted the node but its gates did not pass.</summary>
    Verify,
}

/// <summary>The rke2 unit must be enabled, started or restarted; restarts and starts are followed by the readiness gates.</summary>
internal sealed record ServiceChange(string Unit, ServiceAction Action, bool Enable, string Reason) : Change
{
    public override string Kind => "service";

    /// <summary>The unit was running when the facts were read (a rebooted node is drained only then: one that never ran is not in Kubernetes).</summary>
    public bool WasActive { get; init; }

    public override string Summary
    {
        get
        {
            var verbs = new List<string>();
            if (Enable) verbs.Add("enable");
            verbs.AddRange(Action switch
            {
                ServiceAction.Start => ["start"],
                ServiceAction.Restart => ["restart"],
                ServiceAction.RotateCertificates => ["stop, rke2 certificate rotate, start"],
                ServiceAction.Reboot => ["reboot the host"],
                ServiceAction.Verify => ["verify readiness"],
                _ => [],
            });
            return $"service {Unit}: {string.Join(", ", verbs)} ({Reason})";
        }
    }
}

/// <summary>
/// rke2c records which cluster the host belongs to (<see cref="Model.Rke2Paths.IdentityFile"/>): missing on a node that
/// runs RKE2, or holding a CA hash the host no longer has. No effect on the service.
/// </summary>
internal sealed record IdentityChange(string Path, string Cluster, bool Exists) : Change
{
    public override string Kind => "identity";

    public override string Summary => $"{Path}: {(Exists ? "update" : "create")} (this host belongs to cluster {Cluster})";
}

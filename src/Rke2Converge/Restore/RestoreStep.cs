namespace Rke2Converge.Restore;

/// <summary>One step of a snapshot restore, in the order <see cref="RestoreProcedure"/> lists them.</summary>
internal abstract record RestoreStep
{
    /// <summary>The node the step runs on.</summary>
    public abstract string Node { get; }

    /// <summary>One line for the plan of the restore and its progress.</summary>
    public abstract string Describe();
}

/// <summary>Read-only: the snapshot file is a non-empty regular file root can read. Runs before anything is stopped.</summary>
internal sealed record CheckSnapshotStep(string Node, string Path) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node { get; } = Node;

    /// <inheritdoc/>
    public override string Describe() => $"{Node}: check that the snapshot {Path} exists and is readable";
}

/// <summary><c>systemctl stop UNIT</c>.</summary>
internal sealed record StopStep(string Node, string Unit) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node { get; } = Node;

    /// <inheritdoc/>
    public override string Describe() => $"{Node}: systemctl stop {Unit}";
}

/// <summary><c>rke2 server --cluster-reset --cluster-reset-restore-path=PATH</c> in the foreground, bounded.</summary>
internal sealed record ClusterResetStep(string Node, string Path, TimeSpan Timeout) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node { get; } = Node;

    /// <summary>A fresh restore's reset: nothing else was stopped, and the node has not run yet (what a failure leaves differs).</summary>
    public bool Fresh { get; init; }

    /// <inheritdoc/>
    public override string Describe() => $"{Node}: rke2 server --cluster-reset --cluster-reset-restore-path={Path} (at most {Timeout.TotalMinutes:0} min)";
}

/// <summary>A peer's etcd data moved aside (kept, not deleted) so that it rejoins the restored cluster as a new member.</summary>
internal sealed record MoveDatabaseAsideStep(string Node, string Database, string Backup) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node { get; } = Node;

    /// <inheritdoc/>
    public override string Describe() => $"{Node}: move {Database} aside to {Backup}";
}

/// <summary>Start the service on these nodes and pass every readiness gate, as apply starts a node (agents in batches).</summary>
internal sealed record StartStep(IReadOnlyList<string> Nodes, string Why) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node => Nodes[0];

    /// <inheritdoc/>
    public override string Describe() => $"{string.Join(", ", Nodes)}: start, then every readiness gate ({Why})";
}

/// <summary>
/// Read-only: the first server of a fresh restore holds no etcd data (no <c>server/db/etcd/member</c>, where etcd keeps
/// its WAL and snapshots: k3s pkg/etcd/etcd.go walDir). Runs before anything changes.
/// </summary>
internal sealed record CheckNoEtcdDataStep(string Node, string EtcdDirectory) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node { get; } = Node;

    /// <inheritdoc/>
    public override string Describe() => $"{Node}: check that {EtcdDirectory} holds no etcd data (RKE2 never ran here)";
}

/// <summary>The node converged as apply converges it (install, config.yaml, sysctls, declared resources), its service not started.</summary>
internal sealed record InstallWithoutStartStep(string Node) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node { get; } = Node;

    /// <inheritdoc/>
    public override string Describe() => $"{Node}: install and configure as apply does (every change but the service), not started";
}

/// <summary>The local snapshot file pushed to the first server, its SHA-256 checked on the host before it is put in place.</summary>
internal sealed record PushSnapshotStep(string Node, string LocalFile, string Directory, string Name, string Sha256, long Bytes) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node { get; } = Node;

    /// <summary>Where the snapshot lands on the node.</summary>
    public string Path => $"{Directory}/{Name}";

    /// <inheritdoc/>
    public override string Describe() => $"{Node}: push {LocalFile} to {Path} ({Bytes / 1024} KiB, sha256 {Sha256}, checked on the host)";
}

/// <summary>The rest of the playbook, as apply converges it: the first server started, then the others one at a time, then the agents.</summary>
internal sealed record ApplyStep(IReadOnlyList<string> Nodes) : RestoreStep
{
    /// <inheritdoc/>
    public override string Node => Nodes[0];

    /// <inheritdoc/>
    public override string Describe() =>
        $"{string.Join(", ", Nodes)}: the rest of the playbook, as apply converges it ({Nodes[0]} started first, servers one at a time, agents in batches, each behind its readiness gates)";
}

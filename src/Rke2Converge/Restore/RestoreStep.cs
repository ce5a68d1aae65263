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

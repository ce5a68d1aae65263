namespace Rke2Converge.KeyRotation;

/// <summary>One step of a key rotation, in the order <see cref="RotationProcedure"/> lists them.</summary>
internal abstract record RotationStep
{
    /// <summary>One line for the plan of the rotation and its progress.</summary>
    public abstract string Describe();
}

/// <summary>An etcd snapshot, so a rotation gone wrong can be rolled back (RKE2's docs recommend one first).</summary>
internal sealed record SnapshotStep(string Node, string Name) : RotationStep
{
    public override string Describe() => $"{Node}: etcd snapshot {Name}";
}

/// <summary><c>rke2 secrets-encrypt COMMAND</c> on the server the commands run on.</summary>
internal sealed record CommandStep(string Node, string Command) : RotationStep
{
    public override string Describe() => $"{Node}: rke2 secrets-encrypt {Command}";
}

/// <summary>Restart these servers one at a time, each behind its readiness gates, in this order.</summary>
internal sealed record RestartStep(IReadOnlyList<string> Nodes, string Why) : RotationStep
{
    public override string Describe() => $"restart {string.Join(", then ", Nodes)}, one at a time behind their gates ({Why})";
}

/// <summary>
/// Wait until the command server reports <paramref name="Stage"/> and, when <paramref name="HashesMatch"/>, every
/// control-plane node's hash matches its own.
/// </summary>
internal sealed record AwaitStageStep(string Node, string Stage, bool HashesMatch) : RotationStep
{
    public override string Describe() => $"gate: {Node} reports stage {Stage}" + (HashesMatch ? " and every server's hash matches" : "");
}

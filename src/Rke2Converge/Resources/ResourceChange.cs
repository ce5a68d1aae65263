using Rke2Converge.Plan.Changes;
using Rke2Converge.Remote;

namespace Rke2Converge.Resources;

/// <summary>
/// A resource's difference on one node: what the plan shows (before → after, secrets as <c>(sensitive)</c>), the
/// steps apply runs, in order, and what the service must do afterwards. Steps may carry secret content on stdin;
/// they are never printed (the plan and JSON show only kind, summary and details; a dry run only step descriptions).
/// </summary>
internal sealed record ResourceChange(string ResourceKind, string Title, string Description, IReadOnlyList<string> Lines, ServiceEffect Effect) : Change
{
    public override string Kind => ResourceKind;

    public override string Summary => $"{Title}: {Description}{EffectNote}";

    public override IReadOnlyList<string> Details => Lines;

    public override ServiceEffect Effect { get; } = Effect;

    public override string RestartReason => EffectReason ?? $"{Title} changes";

    /// <summary>What the service effect is named after in the service's change, when not "TITLE changes".</summary>
    public string? EffectReason { get; init; }

    /// <summary>Remote commands run in order by the resources phase, through the rollout's executor.</summary>
    public IReadOnlyList<RemoteCommand> Steps { get; init; } = [];

    private string EffectNote => Effect.HasFlag(ServiceEffect.Restart) ? " (needs restart)" : "";
}

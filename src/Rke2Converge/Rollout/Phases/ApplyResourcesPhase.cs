using System.Text;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Resources;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Every resource change's steps, in declaration order, then one <c>daemon-reload</c> if any change asked for it.
/// Restarts are not done here: a change that needs one made the plan's service change a restart, which the service
/// phase performs once, after everything is in place. A written file's hash is taken with secrets masked.
/// </summary>
internal sealed class ApplyResourcesPhase : INodePhase
{
    public string Title => "resources";

    public IEnumerable<RolloutStep> Steps(StepContext context)
    {
        var changes = context.Host.Changes.OfType<ResourceChange>().ToList();
        foreach (var change in changes)
        {
            var first = true;
            foreach (var command in change.Steps)
            {
                var step = command is { TargetFile: { } path, Stdin: { } content }
                    ? RolloutStep.Run(Title, StepKind.WriteFile, command, path, PlannedStep.Hash(SensitiveLines.Mask(Encoding.UTF8.GetString(content), context.Redact)))
                    : RolloutStep.Run(Title, StepKind.Command, command, change.Title);
                yield return first ? step with { Announce = [change.Summary] } : step;
                first = false;
            }
        }
        if (changes.Any(change => change.Effect.HasFlag(ServiceEffect.DaemonReload)))
        {
            yield return RolloutStep.Run(Title, StepKind.DaemonReload,
                new RemoteCommand("systemctl daemon-reload", "systemctl daemon-reload") { Timeout = TimeSpan.FromSeconds(60) }, "systemd");
        }
    }
}

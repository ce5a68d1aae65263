using Rke2Converge.Resources;

namespace Rke2Converge.Rollout.Phases;

/// <summary>
/// Runs every resource change's steps, in declaration order, through the executor (so a dry run lists them), then
/// one <c>daemon-reload</c> if any change asked for it. Restarts are not done here: a change that needs one made the
/// plan's service change a restart, which the service phase performs once, after everything is in place.
/// </summary>
public sealed class ApplyResourcesPhase : INodePhase
{
    public string Title => "resources";

    public bool ShouldRun(NodeContext node) => node.Plan.Changes.OfType<ResourceChange>().Any();

    public async Task RunAsync(NodeContext node, CancellationToken cancellationToken)
    {
        var changes = node.Plan.Changes.OfType<ResourceChange>().ToList();
        foreach (var change in changes)
        {
            node.Settings.Observer.Step(node.Node, change.Summary);
            foreach (var step in change.Steps) await node.ExecuteAsync(step, cancellationToken).ConfigureAwait(false);
        }
        if (changes.Any(change => change.Effect.HasFlag(ServiceEffect.DaemonReload)))
        {
            await node.ExecuteAsync(new Remote.RemoteCommand("systemctl daemon-reload", "systemctl daemon-reload") { Timeout = TimeSpan.FromSeconds(60) },
                cancellationToken).ConfigureAwait(false);
        }
    }
}

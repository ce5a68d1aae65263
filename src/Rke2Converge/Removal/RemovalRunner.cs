using System.Diagnostics;
using Rke2Converge.Model;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Removal;

/// <summary>Runs a removal plan's steps in order through the executor; the first failure stops it, naming what is left.</summary>
internal sealed class RemovalRunner(IChangeExecutor executor, Func<string, IRemoteShell> shellFor, Action<string> progress)
{
    /// <summary>How long RKE2 may take to remove a deleted node's etcd member.</summary>
    public TimeSpan MemberRemovalTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Null when every step ran, else the failure.</summary>
    public async Task<string?> RunAsync(RemovalPlan plan, DrainPolicy drain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(drain);
        foreach (var (step, index) in plan.Steps.Select((step, index) => (step, index)))
        {
            progress($"{plan.Node}: {step.Planned.Description}");
            try
            {
                if (step.Command is { } command) await executor.ExecuteAsync(shellFor(step.Host), command, cancellationToken).ConfigureAwait(false);
                else if (!executor.IsDryRun) await WaitForMemberRemovalAsync(plan.Node, step.Host, cancellationToken).ConfigureAwait(false);
            }
            catch (RemoteCommandException failure) when (step.Planned.Kind == StepKind.Drain)
            {
                return DrainOperations.Failure(plan.Node, drain, failure.Result)
                    + $" Nothing else was done; relax the PodDisruptionBudget or move those pods and run remove again, or kubectl uncordon {plan.Node}.";
            }
            catch (Exception failure) when (failure is RemoteException or TimeoutException)
            {
                var left = plan.Steps.Skip(index + 1).Select(s => s.Planned.Description).ToList();
                return $"{plan.Node}: {step.Planned.Description}: {failure.Message}" + (left.Count > 0 ? $"\n  not done: {string.Join("; ", left)}" : "");
            }
        }
        return null;
    }

    private async Task WaitForMemberRemovalAsync(string node, string host, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < MemberRemovalTimeout)
        {
            var result = await shellFor(host).RunAsync(RemovalOperations.MemberList(), cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                try
                {
                    var members = RemovalOperations.MemberNames(result.Stdout);
                    if (!members.Any(m => EtcdMemberName.IsOf(m, node))) return;
                    last = $"members: {string.Join(", ", members)}";
                }
                catch (System.Text.Json.JsonException error)
                {
                    last = $"etcdctl output is not member-list JSON: {error.Message}";
                }
            }
            else
            {
                last = result.Stderr.Trim();
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        var hold = await shellFor(host).RunAsync(RemovalOperations.NodeDeletionHold(node), cancellationToken).ConfigureAwait(false);
        throw new TimeoutException($"etcd still lists a member for {node} after {MemberRemovalTimeout.TotalSeconds:0}s ({last}); "
            + HoldDescription(node, hold));
    }

    /// <summary>What keeps a deleted node: its object Terminating under RKE2's finalizer, as kubectl shows it.</summary>
    internal static string HoldDescription(string node, RemoteResult hold)
    {
        var fields = hold.Succeeded ? hold.Stdout.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) : [];
        if (fields.Length == 2)
            return $"node {node} is Terminating since {fields[0]}, held by finalizers {fields[1]}: RKE2's etcd controller removes the member before it releases its finalizer, and etcd refuses while that would cost quorum or the member is unhealthy";
        return fields.Length == 0 && hold.Succeeded
            ? $"the node object {node} is gone, but its member stayed: remove it with `etcdctl member remove` on a healthy server"
            : $"RKE2 removes the member when the node object is deleted (`kubectl get node {node}` could not be read: {(hold.Stderr.Trim().Length > 0 ? hold.Stderr.Trim() : hold.Stdout.Trim())})";
    }
}

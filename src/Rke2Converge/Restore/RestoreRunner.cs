using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;

namespace Rke2Converge.Restore;

/// <summary>How a restore ended: done, or stopped at a step with the reason (later steps not run).</summary>
internal sealed record RestoreResult(bool Succeeded, string? StoppedAt, string? Error);

/// <summary>
/// Runs a <see cref="RestoreProcedure"/> step by step and stops the line at the first failure. Every change goes through
/// the settings' executor (a dry run runs nothing but the read-only snapshot check); starts are rollouts of a start-only
/// plan, so each node passes the same readiness gates as in apply, servers one at a time, agents in batches.
/// </summary>
internal sealed class RestoreRunner(RolloutSettings settings, ClusterPlan plan, Func<string, IRemoteShell> shellFor, Action<string> progress)
{
    /// <summary>How agents are batched where the restore converges the playbook as apply does (a restore into new nodes).</summary>
    public AgentBatching Batching { get; init; } = new();

    /// <summary>Runs every step in order.</summary>
    public async Task<RestoreResult> RunAsync(RestoreProcedure procedure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(procedure);
        foreach (var step in procedure.Steps)
        {
            progress(step.Describe());
            var error = await RunStepAsync(step, cancellationToken).ConfigureAwait(false);
            if (error is not null) return new RestoreResult(false, step.Describe(), settings.Redact(error));
        }
        return new RestoreResult(true, null, null);
    }

    /// <summary>The read-only check, run before anything is stopped (also in a dry run): null when the snapshot can be restored.</summary>
    public static async Task<string?> CheckSnapshotAsync(IRemoteShell shell, CheckSnapshotStep check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shell);
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            var read = await shell.RunCheckedAsync(RestoreOperations.CheckSnapshot(check.Path), cancellationToken).ConfigureAwait(false);
            return RestoreOperations.SnapshotRefusal(check.Node, check.Path, read.Stdout);
        }
        catch (RemoteException error)
        {
            return $"{check.Node}: could not check the snapshot {check.Path}: {error.Message}";
        }
    }

    /// <summary>The read-only check of a restore into new nodes, run before anything changes: null when the node never ran etcd.</summary>
    public static async Task<string?> CheckNoEtcdDataAsync(IRemoteShell shell, CheckNoEtcdDataStep check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shell);
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            var read = await shell.RunCheckedAsync(RestoreOperations.CheckNoEtcdData(check.EtcdDirectory), cancellationToken).ConfigureAwait(false);
            return RestoreOperations.EtcdDataRefusal(check.Node, check.EtcdDirectory, read.Stdout);
        }
        catch (RemoteException error)
        {
            return $"{check.Node}: could not check {check.EtcdDirectory} for etcd data: {error.Message}";
        }
    }

    private async Task<string?> RunStepAsync(RestoreStep step, CancellationToken cancellationToken)
    {
        try
        {
            switch (step)
            {
                case CheckSnapshotStep check:
                    // Checked again right before the servers stop: the file could have gone since the plan was shown.
                    return await CheckSnapshotAsync(shellFor(check.Node), check, cancellationToken).ConfigureAwait(false);
                case StopStep stop:
                    await settings.Executor.ExecuteAsync(shellFor(stop.Node), RestoreOperations.Stop(stop.Unit), cancellationToken).ConfigureAwait(false);
                    return null;
                case ClusterResetStep reset:
                    return await ResetAsync(reset, cancellationToken).ConfigureAwait(false);
                case MoveDatabaseAsideStep move:
                    var moved = await settings.Executor.ExecuteAsync(shellFor(move.Node), RestoreOperations.MoveAside(move.Database, move.Backup), cancellationToken).ConfigureAwait(false);
                    if (!settings.Executor.IsDryRun) progress($"  {RestoreOperations.Tail(moved.Stdout, 1)}");
                    return null;
                case CheckNoEtcdDataStep fresh:
                    return await CheckNoEtcdDataAsync(shellFor(fresh.Node), fresh, cancellationToken).ConfigureAwait(false);
                case InstallWithoutStartStep install:
                    return await RolloutAsync(plan.WithChanges([install.Node], (_, change) => change is not ServiceChange), Batching, cancellationToken).ConfigureAwait(false);
                case PushSnapshotStep push:
                    await settings.Executor.ExecuteAsync(shellFor(push.Node),
                        RestoreOperations.PushSnapshot(push.LocalFile, push.Directory, push.Name, push.Sha256, push.Bytes), cancellationToken).ConfigureAwait(false);
                    return null;
                case ApplyStep apply:
                    return await RolloutAsync(plan.WithChanges(apply.Nodes, (host, change) => host.Node != apply.Node || change is ServiceChange), Batching, cancellationToken).ConfigureAwait(false);
                case StartStep start:
                    return await RolloutAsync(plan.WithOnlyServiceChange(start.Nodes, ServiceAction.Start, $"restore: {start.Why}"), new AgentBatching(), cancellationToken).ConfigureAwait(false);
                default:
                    throw new InvalidOperationException($"unknown restore step {step.GetType().Name}");
            }
        }
        catch (RemoteException error)
        {
            return error.Message;
        }
    }

    /// <summary>The plan's steps derived and run by apply's rollout: its order, its gates, its stop-the-line.</summary>
    private async Task<string?> RolloutAsync(ClusterPlan part, AgentBatching batching, CancellationToken cancellationToken)
    {
        var result = await new RolloutRunner(settings, batching, shellFor).RunAsync(part, cancellationToken).ConfigureAwait(false);
        return result.Failure is { } failure ? $"{failure.Node}: {failure.Error}" : null;
    }

    private async Task<string?> ResetAsync(ClusterResetStep reset, CancellationToken cancellationToken)
    {
        var command = RestoreOperations.ClusterReset(reset.Path, reset.Timeout);
        try
        {
            var ran = await settings.Executor.ExecuteAsync(shellFor(reset.Node), command, cancellationToken).ConfigureAwait(false);
            if (!settings.Executor.IsDryRun) progress($"  {RestoreOperations.Tail(ran.Stdout, 1)}");
            return null;
        }
        catch (RemoteCommandException failed)
        {
            var output = RestoreOperations.Tail(failed.Result.Stdout + "\n" + failed.Result.Stderr, 5);
            var why = failed.Result.ExitCode == 124 ? $"did not finish within {reset.Timeout.TotalMinutes:0} min" : $"failed (exit {failed.Result.ExitCode})";
            if (reset.Fresh)
            {
                return $"{reset.Node}: {command.Description} {why}:\n{output}\n{reset.Node} is installed and configured but not started; no other node was changed. "
                    + "Fix the cause (a token other than the one of the cluster the snapshot was taken from cannot decrypt its bootstrap data) and run "
                    + $"rke2c restore --from again. Do not run rke2c apply first: it would bootstrap a new, empty cluster on {reset.Node}.";
            }
            return $"{reset.Node}: {command.Description} {why}:\n{output}\nEvery node is stopped; the etcd data of the other servers is untouched. "
                + "Fix the cause and run rke2c restore again, or start the servers (rke2c apply) to go back to the data they hold.";
        }
    }
}

using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.KeyRotation;

/// <summary>How a rotation ended: done, or stopped at a step with the reason (later steps not run).</summary>
internal sealed record RotationResult(bool Succeeded, string? StoppedAt, string? Error);

/// <summary>How long a stage gate waits for the cluster, and how often it looks.</summary>
internal sealed record StageGateTiming(TimeSpan Timeout, TimeSpan Poll)
{
    public static StageGateTiming Default { get; } = new(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(2));
}

/// <summary>
/// Runs a <see cref="RotationProcedure"/> step by step and stops the line at the first failure. Every change goes
/// through the settings' executor (so a dry run runs nothing); restarts are rollouts of a restart-only plan, so each
/// server passes the same readiness gates as in apply, one at a time.
/// </summary>
internal sealed class RotationRunner(RolloutSettings settings, ClusterPlan plan, Func<string, IRemoteShell> shellFor, StageGateTiming timing, Action<string> progress)
{
    public async Task<RotationResult> RunAsync(RotationProcedure procedure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(procedure);
        foreach (var step in procedure.Steps)
        {
            progress(step.Describe());
            var error = await RunStepAsync(step, cancellationToken).ConfigureAwait(false);
            if (error is not null) return new RotationResult(false, step.Describe(), error);
        }
        return new RotationResult(true, null, null);
    }

    private async Task<string?> RunStepAsync(RotationStep step, CancellationToken cancellationToken)
    {
        try
        {
            switch (step)
            {
                case SnapshotStep snapshot:
                    var saved = await settings.Executor.ExecuteAsync(shellFor(snapshot.Node), EtcdSnapshotOperations.Save(snapshot.Name), cancellationToken).ConfigureAwait(false);
                    if (!settings.Executor.IsDryRun) progress($"  {LastLine(saved.Stdout)}");
                    return null;
                case CommandStep command:
                    var ran = await settings.Executor.ExecuteAsync(shellFor(command.Node), SecretsEncryptOperations.Run(command.Command), cancellationToken).ConfigureAwait(false);
                    if (!settings.Executor.IsDryRun) progress($"  {LastLine(ran.Stdout)}");
                    return null;
                case RestartStep restart:
                    return await RestartAsync(restart, cancellationToken).ConfigureAwait(false);
                case AwaitStageStep gate:
                    return settings.Executor.IsDryRun ? null : await AwaitStageAsync(gate, cancellationToken).ConfigureAwait(false);
                default:
                    throw new InvalidOperationException($"unknown rotation step {step.GetType().Name}");
            }
        }
        catch (RemoteException error)
        {
            return settings.Redact(error.Message);
        }
    }

    private async Task<string?> RestartAsync(RestartStep restart, CancellationToken cancellationToken)
    {
        if (restart.Nodes.Count == 0) return null;
        var result = await new RolloutRunner(settings, new AgentBatching(), shellFor).RunAsync(plan.WithOnlyServiceChange(restart.Nodes, ServiceAction.Restart, $"secrets-encrypt: {restart.Why}"), cancellationToken).ConfigureAwait(false);
        return result.Failure is { } failure ? $"{failure.Node}: {failure.Error}" : null;
    }

    private async Task<string?> AwaitStageAsync(AwaitStageStep gate, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timing.Timeout;
        var shell = shellFor(gate.Node);
        string seen = "nothing yet";
        while (true)
        {
            try
            {
                var read = await shell.RunCheckedAsync(EncryptionStatusProbe.Read(), cancellationToken).ConfigureAwait(false);
                var status = EncryptionStatusProbe.Parse(gate.Node, read.Stdout);
                seen = status.Describe();
                if (status.Stage == gate.Stage && (!gate.HashesMatch || status.HashesMatch))
                {
                    progress($"  passed: {seen}");
                    return null;
                }
            }
            catch (Exception error) when (error is RemoteException or FormatException)
            {
                seen = error.Message;
            }
            if (DateTimeOffset.UtcNow >= deadline)
                return $"gate timed out after {timing.Timeout.TotalSeconds:0}s waiting for stage {gate.Stage}{(gate.HashesMatch ? " with matching hashes" : "")}; last seen: {seen}";
            await Task.Delay(timing.Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}

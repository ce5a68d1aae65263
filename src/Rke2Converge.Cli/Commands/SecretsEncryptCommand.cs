using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Kubeconfig;
using Rke2Converge.Logging;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Rke2Converge.KeyRotation;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c secrets-encrypt status|rotate</c>: the key rotation's state, and the rotation itself, run from the stage the
/// cluster is in, every server restarted one at a time behind its gates, a stage gate between the stages.
/// </summary>
internal static class SecretsEncryptCommand
{
    public static Command Create()
    {
        var command = new Command("secrets-encrypt", "Secrets-encryption key rotation: the cluster's rotation stage and hashes (status), and the rotation (rotate)");
        command.Subcommands.Add(CreateStatus());
        command.Subcommands.Add(CreateRotate());
        return command;
    }

    private static Command CreateStatus()
    {
        var options = new CommonOptions();
        var command = new Command("status", "Show the rotation stage and each control-plane node's encryption-config hash, read on the first server that runs the API server; "
            + "exit 2 when a rotation is under way or hashes differ");
        command.Arguments.Add(options.Playbook);
        foreach (var option in new Option[] { options.Output, options.NoColor, options.KnownHosts, options.LogDirectory, options.KeepLogs, options.Transport, options.EvalTimeout, options.Verbose })
        {
            command.Options.Add(option);
        }
        command.SetAction((result, token) => StatusAsync(options.Read(result), token));
        return command;
    }

    private static Command CreateRotate()
    {
        var options = new CommonOptions();
        var staged = new Option<bool>("--staged") { Description = "Use prepare, rotate and reencrypt (each followed by restarts) even where rke2 has rotate-keys" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: show each command line the rotation would run" };
        var forceUnlock = new Option<bool>("--force-unlock") { Description = "Remove the lock another rke2c run holds on the hosts, then take it (see apply --help)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Rotate without asking; needed when stdin is not a terminal" };
        var command = new Command("rotate", "Rotate the secrets-encryption key following RKE2's procedure for the release: an etcd snapshot, then rotate-keys "
            + "(v1.28+) or prepare/rotate/reencrypt, every server restarted one at a time behind its gates, and a gate between stages that the "
            + "stage is reached and every server's hash matches. A rotation left mid-way resumes from its stage");
        command.Arguments.Add(options.Playbook);
        foreach (var option in new Option[] { options.Output, options.NoColor, options.KnownHosts, options.LogDirectory, options.KeepLogs, options.Transport, options.EvalTimeout, options.Verbose, staged, dryRun, forceUnlock, yes })
        {
            command.Options.Add(option);
        }
        command.SetAction((result, token) => RotateAsync(options.Read(result), new RotateChoices(
            result.GetValue(staged), result.GetValue(dryRun), result.GetValue(forceUnlock), result.GetValue(yes)), token));
        return command;
    }

    private sealed record RotateChoices(bool Staged, bool DryRun, bool ForceUnlock, bool Yes);

    private static async Task<int> StatusAsync(RunOptions options, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("secrets-encrypt status", options);
        var check = await pipeline.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model || check.Desired is not { } desired) return ExitCodes.Error;
        if (AdminKubeconfig.Source(model) is not { } source)
        {
            pipeline.Error($"{options.PlaybookAsGiven}: no node runs the API server, so no node can run rke2 secrets-encrypt");
            return ExitCodes.Error;
        }
        pipeline.OpenShells(model);
        EncryptionStatus status;
        try
        {
            var read = await pipeline.ShellFor(source.Name).RunCheckedAsync(EncryptionStatusProbe.Read(), cancellationToken).ConfigureAwait(false);
            status = EncryptionStatusProbe.Parse(source.Name, read.Stdout);
        }
        catch (Exception error) when (error is RemoteException or FormatException)
        {
            pipeline.Error($"{source.Name}: could not read the secrets-encrypt status: {error.Message}");
            return ExitCodes.Error;
        }
        var servers = desired.Where(d => d.Role.IsServer()).Select(d => new RotationServer(d.Name, d.Role)).ToList();
        var human = pipeline.Human;
        human.MarkupLine($"[bold]secrets-encrypt status[/] (read on {Terminal.Escape(source.Name)})");
        human.MarkupLine($"  encryption: {(status.Enabled ? "enabled" : "disabled")}");
        human.MarkupLine($"  stage: {Terminal.Escape(status.Stage)}");
        human.MarkupLine($"  hashes: {Terminal.Escape(status.HashesMatch ? "all match" : status.HashError ?? "differ")}");
        var mismatched = status.MismatchedServers;
        foreach (var server in servers)
        {
            var line = status.Hashes.TryGetValue(server.Name, out var hash)
                ? EncryptionStatus.Short(hash) + (mismatched.Contains(server.Name) ? $"  differs from {source.Name}: needs a restart" : "")
                : server.Role == NodeRole.EtcdOnly ? "(etcd-only: carries no hash; restarted with every stage all the same)" : "(no hash: not registered or not running)";
            human.MarkupLine($"    {Terminal.Escape(server.Name)}  {Terminal.Escape(line)}");
        }
        var version = desired[0].Version;
        var problems = RotationDrift.Problems(status, RotationProcedure.RestartOrder(servers, version), options.PlaybookAsGiven);
        foreach (var problem in problems) human.MarkupLine($"  [yellow]{Terminal.Escape(problem)}[/]");
        pipeline.WriteJson(Day2Json.Status(model.Name, status, servers, problems));
        return problems.Count > 0 ? ExitCodes.Drift : ExitCodes.Success;
    }

    private static async Task<int> RotateAsync(RunOptions options, RotateChoices choices, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("secrets-encrypt rotate", options);
        var cluster = await pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (cluster is null) return ExitCodes.Error;
        if (!choices.DryRun && pipeline.CannotAsk("rotate", choices.Yes)) return ExitCodes.Error;
        IChangeExecutor executor = choices.DryRun ? new DryRunExecutor(pipeline.Redactor) : new LiveExecutor();
        pipeline.OpenShells(cluster.Model);
        return await pipeline.UnderClusterLockAsync(
            executor, $"rke2c secrets-encrypt rotate {options.PlaybookAsGiven}", cluster.Model.Nodes.Select(node => node.Name), choices.ForceUnlock,
            $"interrupted: run rke2c secrets-encrypt rotate {options.PlaybookAsGiven} again to resume from the stage the cluster is in",
            _ => RotateLockedAsync(pipeline, cluster, executor, choices, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RotateLockedAsync(Pipeline pipeline, LoadedCluster cluster, IChangeExecutor executor, RotateChoices choices, CancellationToken cancellationToken)
    {
        var playbook = pipeline.Options.PlaybookAsGiven;
        var plan = (await pipeline.ProgramAsync(cluster, cancellationToken).ConfigureAwait(false)).Plan;
        var status = RotationDrift.Status(plan.Hosts.ToDictionary(h => h.Node, h => h.Facts, StringComparer.Ordinal));
        var servers = Pipeline.RotationServers(cluster);
        var rotationDrift = RotationDrift.Problems(status, RotationProcedure.RestartOrder(servers, plan.Version), playbook);
        var dry = executor as DryRunExecutor;
        void WriteJson(RotationProcedure? procedure, RotationResult? result) => pipeline.WriteJson(Day2Json.Rotate(plan, status, procedure, result, dry?.Steps));
        var blocking = plan.Hosts.Where(h => h.HasChanges || h.Problems.Count > 0 || h.Unresolved.Except(rotationDrift).Any()).Select(h => h.Node).ToList();
        if (plan.Problems.Count > 0 || blocking.Count > 0)
        {
            new PlanTextRenderer(pipeline.Human).Render(plan);
            pipeline.Error($"{string.Join(", ", blocking.DefaultIfEmpty("the plan"))} differ from the playbook or could not be read: run rke2c plan / apply {playbook} first. Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }
        if (status is null)
        {
            pipeline.Error($"could not read rke2 secrets-encrypt status on {AdminKubeconfig.Source(cluster.Model)?.Name ?? "any server"}: is RKE2 running there? Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }
        if (!status.Enabled)
        {
            pipeline.Error($"{status.Server}: secrets encryption is disabled; there is no key to rotate. Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }
        var (procedure, refusal) = RotationProcedure.Build(new RotationRequest(servers, plan.Version, status)
        {
            Staged = choices.Staged,
        });
        if (procedure is null)
        {
            pipeline.Error($"{refusal} Nothing was changed.");
            WriteJson(null, null);
            return ExitCodes.Error;
        }

        var human = pipeline.Human;
        human.MarkupLine($"[bold]Key rotation[/] on {Terminal.Escape(plan.Version.ToString())}: {Terminal.Escape(procedure.Path)}, commands on {Terminal.Escape(status.Server)}; now {Terminal.Escape(status.Describe())}");
        foreach (var note in procedure.Notes) human.MarkupLine($"  note: {Terminal.Escape(note)}");
        for (var i = 0; i < procedure.Steps.Count; i++) human.MarkupLine($"  {i + 1}. {Terminal.Escape(procedure.Steps[i].Describe())}");
        if (!choices.DryRun && !choices.Yes)
        {
            if (!pipeline.Confirm("Rotate the key?"))
            {
                human.MarkupLine("Nothing was changed.");
                return ExitCodes.Error;
            }
        }

        var (settings, progress) = pipeline.StepRollout(cluster, executor);
        var runner = new RotationRunner(settings, plan, pipeline.ShellFor, StageGateTiming.Default, progress);
        var result = await runner.RunAsync(procedure, cancellationToken).ConfigureAwait(false);
        WriteJson(procedure, result with
        {
            StoppedAt = result.StoppedAt is null ? null : pipeline.Redactor.Redact(result.StoppedAt),
            Error = result.Error is null ? null : pipeline.Redactor.Redact(result.Error),
        });
        if (dry is not null)
        {
            DryRunReport.Write(human, dry.Steps, "the key rotation");
            human.MarkupLine("[blue]Dry run complete: nothing was changed.[/]");
            return ExitCodes.Drift;
        }
        if (!result.Succeeded)
        {
            pipeline.Error($"key rotation stopped at: {result.StoppedAt}\n{result.Error}");
            Console.Error.WriteLine($"Fix the cause and run rke2c secrets-encrypt rotate {playbook} again: it resumes from the stage the cluster is in.");
            return ExitCodes.Error;
        }
        human.MarkupLine("[green]Key rotation complete: stage reencrypt_finished, every server's hash matches.[/]");
        return ExitCodes.Success;
    }
}

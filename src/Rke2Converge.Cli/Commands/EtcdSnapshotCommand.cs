using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rke2Converge.Cli.Output;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c etcd-snapshot save|list site.csx</c>: an on-demand snapshot with <c>rke2 etcd-snapshot save</c> on one etcd
/// member (the first in join order, or <c>--node</c>), and the snapshot files each etcd member holds, which is what a
/// restore needs (docs/operations/restore.md). Neither changes the cluster's configuration, so neither takes the lock.
/// </summary>
internal static partial class EtcdSnapshotCommand
{
    public static Command Create()
    {
        var command = new Command("etcd-snapshot", "etcd snapshots: save one on demand, list the files each etcd member holds");
        command.Subcommands.Add(CreateSave());
        command.Subcommands.Add(CreateList());
        return command;
    }

    private static Command CreateSave()
    {
        var options = new CommonOptions();
        var name = new Option<string>("--name") { Description = "The snapshot's base name; RKE2 appends the node name and a timestamp", DefaultValueFactory = _ => "on-demand" };
        var node = new Option<string?>("--node") { Description = "The etcd member that takes it (default: the first in JoinOrder)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: show the command line and where it would run" };
        var command = new Command("save", "Take an etcd snapshot now with `rke2 etcd-snapshot save` on one etcd member");
        command.Arguments.Add(options.Playbook);
        foreach (var option in new Option[] { name, node, dryRun, options.NoColor, options.KnownHosts, options.LogDirectory, options.KeepLogs, options.Transport, options.EvalTimeout, options.Verbose })
        {
            command.Options.Add(option);
        }
        name.Validators.Add(result =>
        {
            if (!SnapshotName().IsMatch(result.GetValueOrDefault<string>() ?? "")) result.AddError("--name must be letters, digits, '-', '_' or '.', starting with a letter or digit (at most 100)");
        });
        command.SetAction((result, token) => SaveAsync(options.Read(result), result.GetValue(name)!, result.GetValue(node), result.GetValue(dryRun), token));
        return command;
    }

    private static Command CreateList()
    {
        var options = new CommonOptions();
        var limit = new LimitOption("List only on these nodes: " + LimitOption.Patterns);
        var command = new Command("list", "List the snapshot files on each etcd member (name, size, time, path), oldest first; exit 1 when a member cannot be read");
        options.AddTo(command);
        limit.AddTo(command);
        command.SetAction((result, token) => ListAsync(options.Read(result) with { Limit = limit.Read(result) }, token));
        return command;
    }

    private static async Task<int> SaveAsync(RunOptions options, string name, string? nodeName, bool dryRun, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("etcd-snapshot save", options);
        var check = await pipeline.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model) return ExitCodes.Error;
        var members = model.JoinOrder.Select(model.Node).Where(node => node.Role.CarriesEtcd()).ToList();
        var member = nodeName is null ? members.FirstOrDefault() : members.FirstOrDefault(node => node.Name == nodeName);
        if (member is null)
        {
            pipeline.Error(nodeName is null
                ? $"{options.PlaybookAsGiven}: no node runs etcd, so there is nothing to snapshot"
                : $"--node {Printable.Quote(nodeName)} is not an etcd member of {options.PlaybookAsGiven} (etcd members: {string.Join(", ", members.Select(m => m.Name))})");
            return ExitCodes.Error;
        }
        var save = EtcdSnapshotOperations.Save(name);
        if (dryRun)
        {
            pipeline.Human.MarkupLine($"Dry run: on {Terminal.Escape(member.Name)} would run: {Terminal.Escape(string.Join(' ', [Rke2Paths.Rke2Binary, "etcd-snapshot", "save", "--name", name]))}");
            return ExitCodes.Drift;
        }
        pipeline.OpenShells(model);
        try
        {
            var result = await pipeline.ShellFor(member.Name).RunCheckedAsync(save, cancellationToken).ConfigureAwait(false);
            var saved = EtcdSnapshotOperations.SavedName(result.Stdout);
            pipeline.Log.Information("etcd snapshot on {Node}: {Snapshot}", member.Name, saved ?? "(no name reported)");
            pipeline.Human.MarkupLine($"[green]{Terminal.Escape(member.Name)}: snapshot {Terminal.Escape(saved ?? name)} saved[/]"
                + (saved is null ? " (rke2 did not print the file name: see rke2c etcd-snapshot list)" : ""));
            return ExitCodes.Success;
        }
        catch (RemoteException error)
        {
            pipeline.Error(error.Message);
            return ExitCodes.Error;
        }
    }

    private static async Task<int> ListAsync(RunOptions options, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("etcd-snapshot list", options);
        var check = await pipeline.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model || check.Desired is not { } desired) return ExitCodes.Error;
        if (pipeline.RefusesUnmatchedLimit(model)) return ExitCodes.Error;
        var members = desired.Where(node => node.Role.CarriesEtcd() && (options.Limit?.Matches(node.Node) ?? true)).ToList();
        pipeline.OpenShells(model);
        using var slots = new SemaphoreSlim(options.Parallel);
        var reads = await Task.WhenAll(members.Select(async member =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            var directory = EtcdSnapshotOperations.Directory(member.Config);
            try
            {
                var result = await pipeline.ShellFor(member.Name).RunCheckedAsync(EtcdSnapshotOperations.List(directory), cancellationToken).ConfigureAwait(false);
                return (member.Name, Directory: directory, Files: EtcdSnapshotOperations.ParseList(member.Name, directory, result.Stdout), Error: (string?)null);
            }
            catch (Exception error) when (error is RemoteException or FormatException)
            {
                return (member.Name, Directory: directory, Files: (IReadOnlyList<SnapshotFile>)[], Error: error.Message);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);

        foreach (var read in reads)
        {
            if (read.Error is not null)
            {
                pipeline.Error(read.Error);
                continue;
            }
            if (options.Output != OutputFormat.Text) continue;
            pipeline.Human.MarkupLine($"[bold]{Terminal.Escape(read.Name)}[/] {Terminal.Escape(read.Directory)}: {read.Files.Count} snapshot(s)");
            foreach (var file in read.Files)
            {
                pipeline.Human.MarkupLine($"  {Terminal.Escape(file.Name)}  {file.Size.ToString(CultureInfo.InvariantCulture)}  {file.Modified.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}");
            }
        }
        pipeline.WriteJson(new JsonObject
        {
            ["schemaVersion"] = JsonSchemaVersion.Current,
            ["cluster"] = model.Name,
            ["limit"] = options.Limit?.Text,
            ["members"] = new JsonArray([.. reads.Select(read => (JsonNode)new JsonObject
            {
                ["node"] = read.Name,
                ["directory"] = read.Directory,
                ["error"] = read.Error,
                ["snapshots"] = new JsonArray([.. read.Files.Select(file => (JsonNode)new JsonObject
                {
                    ["name"] = file.Name,
                    ["path"] = file.Path,
                    ["size"] = file.Size,
                    ["modified"] = file.Modified.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                })]),
            })]),
        });
        return reads.Any(read => read.Error is not null) ? ExitCodes.Error : ExitCodes.Success;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial System.Text.RegularExpressions.Regex SnapshotName();
}

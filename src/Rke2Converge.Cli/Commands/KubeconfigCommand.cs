using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Kubeconfig;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c kubeconfig</c>: the admin kubeconfig from the first server that runs the API server, its server URL
/// rewritten to the registration address (or that server), to stdout or, with <c>-o FILE</c>, to a 0600 file.
/// </summary>
internal static class KubeconfigCommand
{
    public static Command Create()
    {
        var options = new CommonOptions();
        var file = new Option<FileInfo?>("--out", "-o")
        {
            Description = "Write it to this file (mode 0600, atomically; an existing file is kept as FILE.bak) instead of stdout",
        };
        var command = new Command("kubeconfig", "Fetch the cluster's admin kubeconfig, its server URL pointing at the registration address or the first server");
        command.Arguments.Add(options.Playbook);
        command.Options.Add(file);
        foreach (var option in new Option[] { options.NoColor, options.KnownHosts, options.LogDirectory, options.KeepLogs, options.Transport, options.EvalTimeout, options.Verbose })
        {
            command.Options.Add(option);
        }
        command.SetAction((result, token) => RunAsync(options.Read(result), result.GetValue(file), token));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, FileInfo? file, CancellationToken cancellationToken)
    {
        await using var pipeline = Pipeline.Start("kubeconfig", options);
        var check = await pipeline.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model) return ExitCodes.Error;
        if (AdminKubeconfig.Source(model) is not { } source)
        {
            pipeline.Error($"{options.PlaybookAsGiven}: no node runs the API server (a server or control-plane node), so there is no admin kubeconfig to fetch");
            return ExitCodes.Error;
        }

        pipeline.OpenShells(model);
        string? content;
        try
        {
            var read = await pipeline.ShellFor(source.Name).RunCheckedAsync(FileOperations.Read(Rke2Paths.AdminKubeconfig), cancellationToken).ConfigureAwait(false);
            content = FileOperations.ReadContent(read);
        }
        catch (RemoteException error)
        {
            pipeline.Error(error.Message);
            return ExitCodes.Error;
        }
        if (content is null)
        {
            pipeline.Error($"{source.Name}: {Rke2Paths.AdminKubeconfig} does not exist: RKE2 has not started there yet (run rke2c apply first)");
            return ExitCodes.Error;
        }

        var serverUrl = AdminKubeconfig.ServerUrl(model, source);
        string rewritten;
        try
        {
            rewritten = AdminKubeconfig.Rewrite(content, serverUrl);
        }
        catch (FormatException error)
        {
            pipeline.Error($"{source.Name}: {Rke2Paths.AdminKubeconfig} is not a kubeconfig: {error.Message}");
            return ExitCodes.Error;
        }

        if (file is null)
        {
            Console.Out.Write(rewritten);
            return ExitCodes.Success;
        }
        var backup = AdminKubeconfig.WriteFile(file.FullName, rewritten);
        Console.Error.WriteLine($"wrote {file} (0600) from {source.Name}, server {serverUrl}{(backup is null ? "" : $"; the previous file is {backup}")}");
        return ExitCodes.Success;
    }
}

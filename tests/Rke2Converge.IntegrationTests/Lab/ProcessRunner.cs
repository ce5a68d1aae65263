using System.Diagnostics;
using System.Text;

namespace Rke2Converge.IntegrationTests.Lab;

/// <summary>Runs a local process with a hard timeout; on timeout the whole process tree is killed.</summary>
public static class ProcessRunner
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(
        string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? stdin = null,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) info.Environment[key] = value;
        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}: {stderr}");
        }
        lock (stdout) lock (stderr) return (process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}

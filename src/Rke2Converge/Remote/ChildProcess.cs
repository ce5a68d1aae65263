using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Rke2Converge.Remote;

/// <summary>
/// Runs a local program to completion: feeds stdin (then closes it, always), captures stdout and stderr
/// concurrently so large output cannot deadlock, and kills the whole process tree on timeout or cancellation.
/// </summary>
internal static class ChildProcess
{
    internal sealed record Outcome(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, bool TimedOut);

    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires.</exception>
    /// <exception cref="Win32Exception">When the program cannot be started.</exception>
    public static async Task<Outcome> RunAsync(
        string fileName, IReadOnlyList<string> arguments, Stream? stdin, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = startInfo };
        var stopwatch = Stopwatch.StartNew();
        process.Start();

        using var timeoutSource = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var reading = Task.WhenAll(
            process.StandardOutput.BaseStream.CopyToAsync(stdout, linked.Token),
            process.StandardError.BaseStream.CopyToAsync(stderr, linked.Token));
        var writing = WriteAndCloseAsync(process.StandardInput.BaseStream, stdin, linked.Token);

        try
        {
            // Waiting for end-of-file as well as exit: output is complete only when both pipes are closed.
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await ObserveAsync(reading).ConfigureAwait(false);
            await ObserveAsync(writing).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new Outcome(-1, Decode(stdout), Decode(stderr), stopwatch.Elapsed, TimedOut: true);
        }
        await ObserveAsync(writing).ConfigureAwait(false);
        return new Outcome(process.ExitCode, Decode(stdout), Decode(stderr), stopwatch.Elapsed, TimedOut: false);
    }

    private static async Task WriteAndCloseAsync(Stream input, Stream? source, CancellationToken cancellationToken)
    {
        try
        {
            if (source is not null) await source.CopyToAsync(input, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Closing fails with a broken pipe when the child already exited; the child's exit status tells why.
            try { await input.DisposeAsync().ConfigureAwait(false); }
            catch (IOException) { }
        }
    }

    private static void KillTree(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already exited
        catch (Win32Exception) { } // exited between the check and the signal
    }

    // After a kill, stream operations end in cancellation or broken pipes; none of that is news.
    private static async Task ObserveAsync(Task task)
    {
        try { await task.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    private static string Decode(MemoryStream stream) =>
        Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
}

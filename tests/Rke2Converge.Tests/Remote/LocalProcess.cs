using System.Diagnostics;
using System.Text;
using Xunit;

namespace Rke2Converge.Tests.Remote;

/// <summary>Runs a local program for tests, bounded in time; stdout as raw bytes so NUL-separated output survives.</summary>
internal static class LocalProcess
{
    public sealed record Result(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string StdoutText => Encoding.UTF8.GetString(Stdout);
    }

    public static Result Run(string fileName, IEnumerable<string> arguments, string? stdin = null, int timeoutSeconds = 30)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {timeoutSeconds}s");
        }
        copy.Wait(TimeSpan.FromSeconds(10));
        return new Result(process.ExitCode, stdout.ToArray(), stderr.Wait(TimeSpan.FromSeconds(10)) ? stderr.Result : "");
    }

    public static Result RunChecked(string fileName, params string[] arguments)
    {
        var result = Run(fileName, arguments);
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}");
    }

    /// <summary>Splits printf '%s\0' output back into the words.</summary>
    public static IReadOnlyList<string> NulSeparated(byte[] output)
    {
        var text = Encoding.UTF8.GetString(output);
        Assert.EndsWith("\0", text);
        return text[..^1].Split('\0');
    }
}

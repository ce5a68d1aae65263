using System.Diagnostics;

namespace Rke2Converge.Tests.Simulator;

/// <summary>The simulator's crictl parses its command line as the real one (a urfave/cli app) does.</summary>
public sealed class CrictlArgumentsTests
{
    [Theory]
    [InlineData("ps --bogus", 1, "Incorrect Usage: flag provided but not defined: -bogus")]
    [InlineData("--bogus ps", 1, "Incorrect Usage: flag provided but not defined: -bogus")]
    [InlineData("ps --name", 1, "Incorrect Usage: flag needs an argument: -name")]
    [InlineData("exec --bogus abc etcdctl", 1, "Incorrect Usage: flag provided but not defined: -bogus")]
    [InlineData("frobnicate", 3, "No help topic for 'frobnicate'")]
    [InlineData("pods", 1, "crictl pods is not modelled by the simulator")]
    public void Refuses_what_crictl_refuses(string arguments, int exit, string error)
    {
        var (code, _, stderr) = Crictl(arguments);

        Assert.Equal(exit, code);
        Assert.Contains(error, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("ps -h")]
    [InlineData("exec --help")]
    public void Help_prints_and_changes_nothing(string arguments)
    {
        var (code, stdout, _) = Crictl(arguments);

        Assert.Equal(0, code);
        Assert.StartsWith("NAME:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_flags_combined_short_switches_and_the_runtime_endpoint_flag_reach_the_runtime()
    {
        var socket = $"/tmp/rke2c-crictl-test-{Guid.NewGuid():N}/containerd.sock";

        var (code, _, stderr) = Crictl($"-r unix://{socket} ps -aq --name ^etcd$ --state running -o json");

        Assert.Equal(1, code);
        Assert.Contains($"dial unix {socket}: connect: no such file or directory", stderr, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) Crictl(string arguments)
    {
        var start = new ProcessStartInfo("dotnet", $"{Path.Combine(AppContext.BaseDirectory, "rke2sim.dll")} crictl {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["RKE2_SIM_HOST_ENV"] = "/nonexistent/host.env", ["CRI_CONFIG_FILE"] = "/nonexistent/crictl.yaml" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rke2sim crictl {arguments} did not exit within 2 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>Checks made on the lab hosts themselves, out of band, to confirm what rke2c says it did.</summary>
public static class ClusterAssertions
{
    public static async Task<string> ExecOkAsync(this LabEnvironment lab, int host, string command)
    {
        var (exit, stdout, stderr) = await lab.ExecAsync(host, command);
        Assert.True(exit == 0, $"host {host}: `{command}` exited {exit}: {stderr}");
        return stdout.Trim();
    }

    public static async Task<int> MainPidAsync(this LabEnvironment lab, int host, string unit = "rke2-server") =>
        int.Parse(await lab.ExecOkAsync(host, $"systemctl show -p MainPID --value {unit}"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How many times the service came up: one "rke2 is up and running" per successful start.</summary>
    public static async Task<int> StartsAsync(this LabEnvironment lab, int host, string unit = "rke2-server") =>
        int.Parse(await lab.ExecOkAsync(host, $"journalctl -u {unit} --no-pager -o cat | grep -c 'up and running' || true"), System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<bool> FileExistsAsync(this LabEnvironment lab, int host, string path) =>
        (await lab.ExecAsync(host, $"test -e '{path}'")).Exit == 0;

    /// <summary>
    /// Asserts the nodes converged strictly one after another: each starts only after the previous one finished, that
    /// is converged or, for an etcd-only node joined before any control plane, passed every gate but the deferred node
    /// Ready, which it must still pass later (and is converged only then).
    /// </summary>
    public static void ConvergedOneAtATime(string output, params string[] nodes)
    {
        var position = 0;
        foreach (var node in nodes)
        {
            var started = output.IndexOf($"{node}: converging", position, StringComparison.Ordinal);
            Assert.True(started >= 0, $"{node} did not start converging after the previous node finished:\n{output}");
            var done = output.IndexOf($"{node}: converged in", started, StringComparison.Ordinal);
            Assert.True(done > started, $"{node} did not converge:\n{output}");
            var deferred = output.IndexOf($"{node}: node Ready deferred", started, StringComparison.Ordinal);
            position = deferred > started && deferred < done ? deferred : done;
        }
    }
}

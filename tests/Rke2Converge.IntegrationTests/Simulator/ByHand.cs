using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Simulator;

/// <summary>
/// What an operator (or a naive Ansible role) does on a lab host without rke2c: write config.yaml, unpack the release
/// tarball, start or restart the unit, read the journal. Everything runs out of band inside the host.
/// </summary>
public static class ByHand
{
    public static async Task InstallAsync(this LabEnvironment lab, int host, string version)
    {
        var tarball = Path.Combine(Rke2cDriver.Artifacts, version, "rke2.linux-amd64.tar.gz");
        Assert.True(File.Exists(tarball), $"no artifacts for {version}: run `bash lab/lab.sh build`");
        await lab.ExecOkAsync(host, $"tar xzf '{tarball}' -C /usr/local && systemctl daemon-reload");
    }

    public static Task WriteConfigAsync(this LabEnvironment lab, int host, string yaml) =>
        lab.ExecOkAsync(host, $"mkdir -p /etc/rancher/rke2 && cat > /etc/rancher/rke2/config.yaml <<'RKE2_CONFIG'\n{yaml.TrimEnd()}\nRKE2_CONFIG\nchmod 600 /etc/rancher/rke2/config.yaml");

    /// <summary>The config.yaml of a server joining through <paramref name="server"/>'s supervisor.</summary>
    public static string JoiningServerConfig(LabEnvironment lab, int server, string token, string nodeName, string extra = "") => $"""
        server: https://{lab.Host(server).Address}:9345
        token: {token}
        node-name: {nodeName}
        {extra}
        """;

    public static Task<string> JournalAsync(this LabEnvironment lab, int host, string unit = "rke2-server") =>
        lab.ExecOkAsync(host, $"journalctl -u {unit} --no-pager -o cat");

    public static async Task<string> ActiveStateAsync(this LabEnvironment lab, int host, string unit = "rke2-server") =>
        (await lab.ExecAsync(host, $"systemctl is-active {unit}")).Stdout.Trim();

    /// <summary>
    /// Polls until <paramref name="probe"/> answers something, or gives up after <paramref name="timeout"/> and
    /// answers null. The loop is bounded in time; the caller asserts on the outcome.
    /// </summary>
    public static async Task<T?> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, TimeSpan? poll = null)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTimeOffset.UtcNow >= deadline) return null;
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>The first of <paramref name="hosts"/> whose unit journal contains <paramref name="text"/>, within the timeout.</summary>
    public static async Task<int?> FirstJournalWithAsync(this LabEnvironment lab, IReadOnlyList<int> hosts, string text, TimeSpan timeout, string unit = "rke2-server")
    {
        var found = await EventuallyAsync<string>(async () =>
        {
            foreach (var host in hosts)
            {
                if ((await lab.JournalAsync(host, unit)).Contains(text, StringComparison.Ordinal)) return LabPlaybook.Invariant(host);
            }
            return null;
        }, timeout);
        return found is null ? null : int.Parse(found, System.Globalization.CultureInfo.InvariantCulture);
    }
}

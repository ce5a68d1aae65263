using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// A server's certificate expiry in the plan (a note within 30 days, drift within 7) and RKE2's certificate rotation
/// as upstream documents it (stop, <c>rke2 certificate rotate</c>, start: a new serial; a plain restart keeps it), by
/// hand and through <c>rke2c certificate rotate</c>.
/// </summary>
[Collection(Clusters.Name)]
public sealed class CertificateTests
{
    private const string Serving = "/var/lib/rancher/rke2/server/tls/serving-kube-apiserver.crt";
    private const string Near = "/var/lib/rancher/rke2/server/tls/client-near.crt";

    [Fact]
    public async Task Expiry_is_a_note_within_30_days_and_drift_within_7_and_rotation_issues_a_new_serial()
    {
        await using var lab = await LabEnvironment.UpAsync("it-certs", 1, new LabOptions { Net = 135 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + JoinOrder("server-1"));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var serial = await SerialAsync(lab);

        await lab.ExecOkAsync(1, "systemctl restart rke2-server");
        Assert.Equal(serial, await SerialAsync(lab));
        var clean = await rke2c.RunAsync("plan", playbook);
        Assert.True(clean.Exit == 0, clean.ToString());
        Assert.DoesNotContain("certificate ", clean.Stdout, StringComparison.Ordinal);

        await WriteCertificateAsync(lab, days: 20);
        var noted = await rke2c.RunAsync("plan", playbook);
        Assert.True(noted.Exit == 0, noted.ToString());
        Assert.True(noted.Stdout.Contains("certificate client-near.crt expires in 19 days: restart rke2-server there", StringComparison.Ordinal), noted.ToString());

        await WriteCertificateAsync(lab, days: 3);
        var drift = await rke2c.RunAsync("plan", playbook);
        Assert.True(drift.Exit == 2, drift.ToString());
        Assert.True(drift.Stdout.Contains("certificate client-near.crt expires in 2 days", StringComparison.Ordinal), drift.ToString());
        var refused = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("the plan has problems (above); nothing was changed", refused.Stdout + refused.Stderr, StringComparison.Ordinal);

        await lab.ExecOkAsync(1, $"rm -f {Near} /var/lib/rancher/near.key");
        var rotate = await lab.ExecAsync(1, "systemctl stop rke2-server && /usr/local/bin/rke2 certificate rotate && systemctl start rke2-server");
        Assert.True(rotate.Exit == 0, rotate.ToString());
        Assert.Contains("Successfully backed up certificates to /var/lib/rancher/rke2/server/tls-", rotate.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(serial, await SerialAsync(lab));
        var after = await rke2c.RunAsync("plan", playbook);
        Assert.True(after.Exit == 0, after.ToString());
    }

    [Fact]
    public async Task Certificate_rotate_rotates_each_server_in_join_order_then_restarts_the_agent()
    {
        await using var lab = await LabEnvironment.UpAsync("it-certrot", 3, new LabOptions { Net = 196 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + Node(lab, "Server", "server-2", 2)
            + Node(lab, "Agent", "agent-1", 3) + JoinOrder("server-1", "server-2"));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var serials = new[] { await SerialAsync(lab, 1), await SerialAsync(lab, 2) };

        var dryRun = await rke2c.RunAsync("certificate", "rotate", "--dry-run", playbook);
        Assert.True(dryRun.Exit == 2, dryRun.ToString());
        Assert.Contains("service rke2-server: stop, rke2 certificate rotate, start (certificate rotation requested by rke2c certificate rotate)", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("service rke2-agent: restart (renews its client certificates", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(serials, new[] { await SerialAsync(lab, 1), await SerialAsync(lab, 2) });

        var rotate = await rke2c.RunAsync("certificate", "rotate", "--yes", playbook);
        Assert.True(rotate.Exit == 0, rotate.ToString());
        ClusterAssertions.ConvergedOneAtATime(rotate.Stdout, "server-1", "server-2", "agent-1");
        Assert.NotEqual(serials[0], await SerialAsync(lab, 1));
        Assert.NotEqual(serials[1], await SerialAsync(lab, 2));
        foreach (var host in new[] { 1, 2 })
        {
            // rke2 certificate rotate keeps the old set in server/tls-UNIXTIME.
            Assert.Single((await lab.ExecOkAsync(host, "ls -d /var/lib/rancher/rke2/server/tls-*")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Equal(2, await lab.StartsAsync(3, "rke2-agent"));
        var after = await rke2c.RunAsync("plan", playbook);
        Assert.True(after.Exit == 0, after.ToString());
    }

    /// <summary>The serving certificate's serial, once the starting server has written it (bounded: 3 minutes).</summary>
    private static async Task<string> SerialAsync(LabEnvironment lab, int host = 1)
    {
        var command = $"for i in $(seq 180); do [ -f {Serving} ] && break; sleep 1; done; openssl x509 -noout -serial -in {Serving}";
        var (exit, stdout, stderr) = await lab.ExecAsync(host, command, TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"`{command}` exited {exit}: {stderr}");
        Assert.StartsWith("serial=", stdout.Trim(), StringComparison.Ordinal);
        return stdout.Trim();
    }

    /// <summary>
    /// A certificate valid for <paramref name="days"/> days from now. The second's sleep makes the time left strictly
    /// less than whole days: a plan read within the same second (a warm playbook cache makes that possible) would
    /// otherwise see exactly <paramref name="days"/> days left.
    /// </summary>
    private static Task<string> WriteCertificateAsync(LabEnvironment lab, int days) => lab.ExecOkAsync(1,
        $"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout /var/lib/rancher/near.key -out {Near} -days {days} -subj /CN=near 2>/dev/null && sleep 1");
}

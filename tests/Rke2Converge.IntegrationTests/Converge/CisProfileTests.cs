using Rke2Converge.IntegrationTests.Lab;
using Rke2Converge.IntegrationTests.Simulator;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// <c>profile: cis</c>: RKE2 refuses to start a server without an <c>etcd</c> user and group (rancher/rke2
/// pkg/cli/cmds/profile_linux.go); rke2c creates both on every server, and on no agent, before RKE2 first starts.
/// </summary>
[Collection(Clusters.Name)]
public sealed class CisProfileTests
{
    [Fact]
    public async Task A_cis_server_started_by_hand_without_the_etcd_user_names_user_group_and_kernel_parameters_in_one_fatal_error()
    {
        await using var lab = await LabEnvironment.UpAsync("it-cis-by-hand", 1, new LabOptions { Net = 191 });
        await lab.WriteConfigAsync(1, """
            token: by-hand-token
            node-name: server-1
            profile: cis
            """);
        await lab.InstallAsync(1, "v1.32.5+rke2r1");
        await lab.ExecOkAsync(1, "systemctl start --no-block rke2-server");

        var journal = await ByHand.EventuallyAsync(async () =>
        {
            var text = await lab.JournalAsync(1);
            return text.Contains("unknown group etcd", StringComparison.Ordinal) ? text : null;
        }, TimeSpan.FromMinutes(3));
        Assert.True(journal is not null, $"rke2 never refused the missing etcd user:\n{await lab.JournalAsync(1)}");
        Assert.Contains("level=fatal", journal, StringComparison.Ordinal);
        Assert.Contains("missing required: user: unknown user etcd", journal, StringComparison.Ordinal);
        Assert.Contains("missing required: group: unknown group etcd", journal, StringComparison.Ordinal);
        Assert.Contains("invalid kernel parameter value kernel.panic=0 - expected 10", journal, StringComparison.Ordinal);
        Assert.NotEqual("active", await lab.ActiveStateAsync(1));
    }

    [Fact]
    public async Task Rke2c_creates_the_etcd_user_and_group_on_the_server_only_and_a_second_run_changes_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-cis", 2, new LabOptions { Net = 192 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + "Config[\"profile\"] = \"cis\";\n"
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2) + JoinOrder("server-1"));

        var plan = (await rke2c.RunAsync("plan", playbook)).Stdout;
        Assert.Contains("system-user etcd: create group, create user (profile: cis requires it on servers)", plan, StringComparison.Ordinal);
        Assert.Equal(1, plan.Split('\n').Count(line => line.Contains("system-user etcd", StringComparison.Ordinal)));

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Equal("active", await lab.ActiveStateAsync(1));
        Assert.Equal("active", await lab.ActiveStateAsync(2, "rke2-agent"));
        var user = (await lab.ExecOkAsync(1, "getent passwd etcd")).Split(':');
        Assert.Equal("/sbin/nologin", user[^1]);
        Assert.Equal(user[3], (await lab.ExecOkAsync(1, "getent group etcd")).Split(':')[2]);
        Assert.False(await lab.FileExistsAsync(1, "/home/etcd"));
        Assert.NotEqual(0, (await lab.ExecAsync(2, "getent passwd etcd")).Exit);
        Assert.DoesNotContain("unknown user etcd", await lab.JournalAsync(1), StringComparison.Ordinal);

        var second = await rke2c.RunAsync("plan", playbook);
        Assert.True(second.Exit == 0, second.ToString());
        Assert.Contains("0 host(s) to change, 2 unchanged", second.Stdout, StringComparison.Ordinal);
    }
}

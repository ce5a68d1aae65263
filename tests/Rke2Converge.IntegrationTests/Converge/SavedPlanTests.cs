using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// A saved plan is applied exactly, or refused with the changed host named and nothing touched; apply asks on a
/// terminal, and on a non-terminal without --yes changes nothing and says why.
/// </summary>
[Collection(Clusters.Name)]
public sealed class SavedPlanTests
{
    private const string SysctlFile = "/etc/sysctl.d/90-rke2c.conf";

    [Fact]
    public async Task A_saved_plan_is_refused_after_a_host_changed_by_hand_and_applied_exactly_when_nothing_did()
    {
        await using var lab = await LabEnvironment.UpAsync("it-savedplan", 2, new LabOptions { Net = 140 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        // Drift that needs no restart: the persisted sysctl file on the server.
        await lab.ExecOkAsync(1, $"sed -i 's/^vm.swappiness = 10$/vm.swappiness = 30/' {SysctlFile}");
        var before = new[] { await lab.ExecOkAsync(1, DryRunTests.HostState), await lab.ExecOkAsync(2, DryRunTests.HostState) };

        var unasked = await rke2c.RunAsync("apply", playbook);

        Assert.True(unasked.Exit == 1, unasked.ToString());
        Assert.Contains("stdin is not a terminal; pass --yes to apply without asking", unasked.Stderr, StringComparison.Ordinal);
        Assert.Equal(before[0], await lab.ExecOkAsync(1, DryRunTests.HostState));
        Assert.Equal(before[1], await lab.ExecOkAsync(2, DryRunTests.HostState));

        var declined = await rke2c.RunOnTerminalAsync("n\n", "apply", playbook);

        Assert.True(declined.Exit == 1, declined.ToString());
        Assert.Contains("Apply these changes? [y/N]", declined.Stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", declined.Stdout, StringComparison.Ordinal);
        Assert.Equal(before[0], await lab.ExecOkAsync(1, DryRunTests.HostState));
        Assert.Equal(before[1], await lab.ExecOkAsync(2, DryRunTests.HostState));

        var plan = await rke2c.RunAsync("plan", playbook, "--out", "plan.json");
        Assert.True(plan.Exit == 2, plan.ToString());
        var saved = await File.ReadAllTextAsync(Path.Combine(rke2c.WorkDirectory, "plan.json"));
        Assert.Contains("\"kind\": \"write-file\"", saved, StringComparison.Ordinal);
        Assert.DoesNotContain(rke2c.Token, saved, StringComparison.Ordinal);
        // By hand, after the plan was saved: the agent's sysctl file.
        await lab.ExecOkAsync(2, $"sed -i 's/^vm.swappiness = 10$/vm.swappiness = 40/' {SysctlFile}");
        before = [await lab.ExecOkAsync(1, DryRunTests.HostState), await lab.ExecOkAsync(2, DryRunTests.HostState)];

        var refused = await rke2c.RunAsync("apply", "--yes", "plan.json");

        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("agent-1: the host changed since the plan was saved", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("server-1: the host changed", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("plan.json no longer matches the hosts; nothing was changed", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before[0], await lab.ExecOkAsync(1, DryRunTests.HostState));
        Assert.Equal(before[1], await lab.ExecOkAsync(2, DryRunTests.HostState));

        var replan = await rke2c.RunAsync("plan", playbook, "--out", "plan.json");
        Assert.True(replan.Exit == 2, replan.ToString());
        var apply = await rke2c.RunAsync("apply", "--yes", "plan.json");
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Contains("Apply complete.", apply.Stdout, StringComparison.Ordinal);
        Assert.Equal("vm.swappiness = 10", await lab.ExecOkAsync(2, $"grep '^vm.swappiness' {SysctlFile}"));

        var clean = await rke2c.RunAsync("plan", playbook);
        Assert.True(clean.Exit == 0, clean.ToString());
        Assert.DoesNotContain(rke2c.Token, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
    }
}

using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>What would stop a rollout half-way is found by the plan, before any host changes.</summary>
[Collection(Clusters.Name)]
public sealed class PlanTimeProblemsTests
{
    [Fact]
    public async Task An_unreachable_host_is_a_plan_problem_next_to_the_others_plans_and_apply_touches_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-unreach", 2, new LabOptions { Net = 85 });
        var rke2c = new Rke2cDriver(lab.Name);
        const string Nobody = "127.0.85.99"; // no sshd listens there
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab)
            + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2) + $"Agent(\"ghost\", \"{Nobody}\");\n"
            + JoinOrder("server-1"));

        var plan = await rke2c.RunAsync("plan", playbook, "--timings");

        Assert.True(plan.Exit == 1, plan.ToString());
        Assert.Contains("timings:", plan.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  facts +[0-9.]+s$", plan.Stderr);
        Assert.Matches(@"(?m)^  ghost +[0-9.]+s +[0-9.]+s +[0-9.]+s  failed$", plan.Stderr);
        Assert.Contains($"server-1 (server, {Address(lab, 1)})", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains($"agent-1 (agent, {Address(lab, 2)})", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("rke2: install v1.32.5+rke2r1 (amd64)", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ghost (agent, {Nobody})", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("unreachable, not planned:", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 host(s) to change, 0 unchanged, 1 with problems", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("could not gather facts from 1 of 3 hosts", plan.Stderr, StringComparison.Ordinal);
        Assert.Contains("ghost:", plan.Stderr, StringComparison.Ordinal);

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("the plan has problems (above); nothing was changed", apply.Stderr, StringComparison.Ordinal);
        await AssertUntouchedAsync(lab, 1, 2);
    }

    [Fact]
    public async Task Missing_release_artifacts_are_a_plan_problem_and_apply_touches_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-noartifacts", 1, new LabOptions { Net = 86 });
        var rke2c = new Rke2cDriver(lab.Name);
        var empty = Directory.CreateDirectory(Path.Combine(rke2c.WorkDirectory, "artifacts")).FullName;
        var playbook = rke2c.WritePlaybook("site.csx",
            Header(lab).Replace(Rke2cDriver.Artifacts, empty, StringComparison.Ordinal) + Node(lab, "Server", "solo", 1));

        var plan = await rke2c.RunAsync("plan", playbook);

        Assert.True(plan.Exit == 1, plan.ToString());
        Assert.Contains("artifacts for v1.32.5+rke2r1 (amd64), needed by solo:", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{empty}/v1.32.5+rke2r1/rke2.linux-amd64.tar.gz", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("sysctl vm.swappiness", plan.Stdout, StringComparison.Ordinal); // the host's plan is still shown

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("the plan has problems (above); nothing was changed", apply.Stderr, StringComparison.Ordinal);
        await AssertUntouchedAsync(lab, 1);
    }

    [Fact]
    public async Task A_node_crash_looping_on_a_fatal_error_fails_its_gate_without_waiting_out_the_timeout_and_quotes_the_error()
    {
        await using var lab = await LabEnvironment.UpAsync("it-crashloop", 1, new LabOptions { Net = 87 });
        var rke2c = new Rke2cDriver(lab.Name);
        // profile: cis makes rke2 itself check the kernel parameters and exit fatally; systemd restarts it every 5 s.
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab)
            + "Config[\"profile\"] = \"cis\";\n"
            + "Gates.ServiceActive(timeout: TimeSpan.FromHours(6));\n"
            + Node(lab, "Server", "solo", 1, ".Sysctl(\"vm.overcommit_memory\", 0)"));

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("rollout stopped at solo", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("gate 'service active' failed after", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("crash loop: rke2-server restarted", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("level=fatal", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("invalid kernel parameter value vm.overcommit_memory=0 - expected 1", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal("verify", await lab.ExecOkAsync(1, "cat /var/lib/rancher/rke2c/pending"));
    }

    private static async Task AssertUntouchedAsync(LabEnvironment lab, params int[] hosts)
    {
        foreach (var host in hosts)
        {
            Assert.False(await lab.FileExistsAsync(host, "/etc/rancher/rke2/config.yaml"));
            Assert.False(await lab.FileExistsAsync(host, "/etc/sysctl.d/90-rke2c.conf"));
            Assert.False(await lab.FileExistsAsync(host, "/usr/local/bin/rke2"));
            Assert.False(await lab.FileExistsAsync(host, "/var/lib/rancher/rke2c/pending"));
            Assert.Equal("60", await lab.ExecOkAsync(host, "cat /proc/sys/vm/swappiness"));
        }
    }
}

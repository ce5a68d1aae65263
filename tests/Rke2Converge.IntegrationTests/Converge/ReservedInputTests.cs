using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>What rke2c manages is reserved (docs/safety.md), on real hosts: refused before anything is written.</summary>
[Collection(Clusters.Name)]
public sealed class ReservedInputTests
{
    [Fact]
    public async Task A_sysctl_the_kernel_lacks_is_a_plan_problem_and_apply_writes_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-nosysctl", 1, new LabOptions { Net = 180 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + "Sysctl(\"vm.no_such_key\", 1);\n" + Node(lab, "Server", "solo", 1));

        var plan = await rke2c.RunAsync("plan", playbook);

        Assert.True(plan.Exit == 1, plan.ToString());
        Assert.Contains("sysctl vm.no_such_key does not exist on this host (no /proc/sys/vm/no_such_key)", plan.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("(missing) →", plan.Stdout, StringComparison.Ordinal);

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("the plan has problems (above); nothing was changed", apply.Stderr, StringComparison.Ordinal);
        Assert.False(await lab.FileExistsAsync(1, "/etc/sysctl.d/90-rke2c.conf"));
        Assert.False(await lab.FileExistsAsync(1, "/etc/rancher/rke2/config.yaml"));
        Assert.Equal("60", await lab.ExecOkAsync(1, "cat /proc/sys/vm/swappiness"));
    }

    [Fact]
    public async Task A_reserved_path_is_refused_at_its_line_and_a_kept_drop_in_with_the_token_is_a_problem_touching_nothing()
    {
        await using var lab = await LabEnvironment.UpAsync("it-reserved", 1, new LabOptions { Net = 181 });
        var rke2c = new Rke2cDriver(lab.Name);
        var header = Header(lab) + Node(lab, "Server", "solo", 1);
        var reservedLine = header.Split('\n').Length;
        var forged = rke2c.WritePlaybook("forged.csx", header + "File(\"/var/lib/rancher/rke2c/lock\", \"forged holder\");\n");

        var refused = await rke2c.RunAsync("apply", "--yes", forged);

        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains($"forged.csx:{reservedLine}: error: file /var/lib/rancher/rke2c/lock (cluster-wide): /var/lib/rancher/rke2c/lock is reserved",
            refused.Stderr, StringComparison.Ordinal);
        Assert.False(await lab.FileExistsAsync(1, "/var/lib/rancher/rke2c/lock"));

        await lab.ExecOkAsync(1, "mkdir -p /etc/rancher/rke2/config.yaml.d && printf 't: stolen-token-value\\n' > /etc/rancher/rke2/config.yaml.d/90-x.yaml");
        var kept = rke2c.WritePlaybook("kept.csx", header + "ConfigDropIns.Keep();\n");

        var plan = await rke2c.RunAsync("plan", kept);

        Assert.True(plan.Exit == 1, plan.ToString());
        Assert.Contains("/etc/rancher/rke2/config.yaml.d/90-x.yaml sets config key 'token', which rke2c manages", plan.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("stolen-token-value", plan.Stdout + plan.Stderr, StringComparison.Ordinal);

        var apply = await rke2c.RunAsync("apply", "--yes", kept);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("the plan has problems (above); nothing was changed", apply.Stderr, StringComparison.Ordinal);
        Assert.False(await lab.FileExistsAsync(1, "/etc/rancher/rke2/config.yaml"));
        Assert.False(await lab.FileExistsAsync(1, "/etc/sysctl.d/90-rke2c.conf"));
    }
}

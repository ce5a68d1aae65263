using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// Symbolic links planted on a lab host where the playbook declares a directory and a file: the plan names each as a
/// problem for that host without printing what they point at, and apply changes nothing, least of all their targets.
/// </summary>
[Collection(Clusters.Name)]
public sealed class HostSymlinkTests
{
    [Fact]
    public async Task A_planted_symlink_is_a_plan_problem_and_apply_leaves_its_target_alone()
    {
        await using var lab = await LabEnvironment.UpAsync("it-symlink", 1, new LabOptions { Net = 185 });
        var rke2c = new Rke2cDriver(lab.Name);
        // /root and /etc/rancher are the lab host's own.
        await lab.ExecOkAsync(1, "mkdir -p /root/private /etc/rancher && chmod 700 /root/private "
            + "&& echo secret-of-the-target > /root/private/key && chmod 600 /root/private/key "
            + "&& ln -s /root/private /etc/rancher/app-data && ln -s /root/private/key /etc/rancher/app.conf");
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "solo", 1)
            + "Directory(\"/etc/rancher/app-data\", \"0755\", owner: \"nobody\");\nFile(\"/etc/rancher/app.conf\", \"replaced\\n\");\n");

        var plan = await rke2c.RunAsync("plan", playbook);

        Assert.True(plan.Exit == 1, plan.ToString());
        Assert.Contains("directory /etc/rancher/app-data: '/etc/rancher/app-data' on solo is a symbolic link", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("file /etc/rancher/app.conf: '/etc/rancher/app.conf' on solo is a symbolic link", plan.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-of-the-target", plan.ToString(), StringComparison.Ordinal);

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("nothing was changed", apply.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-of-the-target", apply.ToString(), StringComparison.Ordinal);
        Assert.Equal("700 root", await lab.ExecOkAsync(1, "stat -c '%a %U' /root/private"));
        Assert.Equal("600 root secret-of-the-target", await lab.ExecOkAsync(1, "stat -c '%a %U' /root/private/key | tr '\\n' ' '; cat /root/private/key"));
        Assert.Equal("symbolic link", await lab.ExecOkAsync(1, "stat -c %F /etc/rancher/app.conf"));
    }
}

using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// A saved plan binds the bytes each step sends: a command taken from an environment variable that differs at apply
/// is refused with the host and the step named, and nothing runs; the command that was planned applies.
/// </summary>
[Collection(Clusters.Name)]
public sealed class SavedPlanBindingTests
{
    private const string Planned = "mkdir -p /etc/rancher/it-marker && touch /etc/rancher/it-marker/done";

    private const string Swapped = "touch /root/owned; mkdir -p /etc/rancher/it-marker && touch /etc/rancher/it-marker/done";

    private const string Markers = "for f in /root/owned /etc/rancher/it-marker/done /usr/local/bin/rke2; do if [ -e \"$f\" ]; then echo \"$f present\"; else echo \"$f absent\"; fi; done";

    [Fact]
    public async Task A_command_swapped_through_the_environment_after_plan_out_is_refused_and_never_runs()
    {
        await using var lab = await LabEnvironment.UpAsync("it-planbind", 1, new LabOptions { Net = 170 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1)
            + "Command(Env(\"EV_CMD\"), name: \"x\").Creates(\"/etc/rancher/it-marker/done\");\n");
        rke2c.ExtraEnvironment["EV_CMD"] = Planned;
        var plan = await rke2c.RunAsync("plan", playbook, "--out", "plan.json");
        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Contains("\"commandsSha256\"", await File.ReadAllTextAsync(Path.Combine(rke2c.WorkDirectory, "plan.json")), StringComparison.Ordinal);

        rke2c.ExtraEnvironment["EV_CMD"] = Swapped;
        var refused = await rke2c.RunAsync("apply", "--yes", "plan.json");

        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Matches("server-1: step [0-9]+ 'run command x' would send different commands than the saved plan", refused.Stderr);
        Assert.Contains("plan.json no longer matches the hosts; nothing was changed", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("/root/owned absent\n/etc/rancher/it-marker/done absent\n/usr/local/bin/rke2 absent", (await lab.ExecOkAsync(1, Markers)).Trim());

        rke2c.ExtraEnvironment["EV_CMD"] = Planned;
        var apply = await rke2c.RunAsync("apply", "--yes", "plan.json");

        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Contains("Apply complete.", apply.Stdout, StringComparison.Ordinal);
        Assert.Equal("/root/owned absent\n/etc/rancher/it-marker/done present\n/usr/local/bin/rke2 present", (await lab.ExecOkAsync(1, Markers)).Trim());
        Assert.DoesNotContain(rke2c.Token, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
    }
}

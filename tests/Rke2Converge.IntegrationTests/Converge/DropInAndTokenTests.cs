using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>Changes apply must not make blindly on a running cluster: a new token, and drop-ins that fight the playbook.</summary>
[Collection(Clusters.Name)]
public sealed class DropInAndTokenTests
{
    private const string DropInDirectory = "/etc/rancher/rke2/config.yaml.d";
    private const string Backups = "/var/lib/rancher/rke2c/backups";

    [Fact]
    public async Task A_token_change_on_a_bootstrapped_server_is_refused_with_rotation_advice_and_nothing_touched()
    {
        await using var lab = await LabEnvironment.UpAsync("it-token", 1, new LabOptions { Net = 80 });
        var rke2c = new Rke2cDriver(lab.Name);
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + Node(lab, "Server", "server-1", 1));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var pid = await lab.MainPidAsync(1);
        var config = await lab.ExecOkAsync(1, "sha256sum /etc/rancher/rke2/config.yaml");
        var newToken = "tok-new-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

        var plan = await rke2c.RunWithTokenAsync(newToken, "plan", playbook);

        Assert.True(plan.Exit == 1, plan.ToString());
        Assert.Contains("rke2 token rotate --token <current> --new-token <new>", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("bootstrap data already found and encrypted with different token", plan.Stdout, StringComparison.Ordinal);

        var apply = await rke2c.RunWithTokenAsync(newToken, "apply", "--yes", playbook);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("rke2 token rotate", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", apply.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("converging", apply.Output, StringComparison.Ordinal);
        Assert.Equal(pid, await lab.MainPidAsync(1));
        Assert.Equal(1, await lab.StartsAsync(1));
        Assert.Equal(config, await lab.ExecOkAsync(1, "sha256sum /etc/rancher/rke2/config.yaml"));
        Assert.False(await lab.FileExistsAsync(1, Backups), "apply wrote a file although it refused");

        var unchanged = await rke2c.RunAsync("plan", playbook);
        Assert.True(unchanged.Exit == 0, unchanged.ToString());
        var everything = rke2c.EverythingPrintedOrLogged();
        Assert.DoesNotContain(rke2c.Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(newToken, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_ins_that_fight_the_playbook_fail_the_plan_until_it_keeps_them_or_removes_them_with_one_restart()
    {
        await using var lab = await LabEnvironment.UpAsync("it-dropins", 1, new LabOptions { Net = 81 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string dropIns) => rke2c.WritePlaybook("site.csx", Header(lab) + dropIns + Node(lab, "Server", "server-1", 1));
        var bootstrap = await rke2c.RunAsync("apply", "--yes", Playbook(""));
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var pid = await lab.MainPidAsync(1);
        var dropInToken = "dropin-tok-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

        // An unmanaged key that changes behaviour: the default policy (Fail) reports it and apply refuses.
        await WriteDropInAsync(lab, "50-cis.yaml", "profile: cis");
        var cisPlan = await rke2c.RunAsync("plan", Playbook(""));
        Assert.True(cisPlan.Exit == 2, cisPlan.ToString());
        Assert.Contains($"problem: {DropInDirectory}/50-cis.yaml sets profile", Plain(cisPlan.Stdout), StringComparison.Ordinal);
        var refused = await rke2c.RunAsync("apply", "--yes", Playbook(""));
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("nothing was changed", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(pid, await lab.MainPidAsync(1));
        Assert.True(await lab.FileExistsAsync(1, $"{DropInDirectory}/50-cis.yaml"));

        // Managed keys overridden by other drop-ins, one of them carrying a token that must never be printed.
        await lab.ExecOkAsync(1, $"mv {DropInDirectory}/50-cis.yaml /root/50-cis.yaml");
        await WriteDropInAsync(lab, "60-kernel.yml", "protect-kernel-defaults: false");
        await WriteDropInAsync(lab, "70-token.yaml", $"token: {dropInToken}");
        var overridePlan = await rke2c.RunAsync("plan", Playbook(""));
        Assert.True(overridePlan.Exit == 2, overridePlan.ToString());
        Assert.Contains($"problem: {DropInDirectory}/60-kernel.yml overrides protect-kernel-defaults from the playbook", Plain(overridePlan.Stdout), StringComparison.Ordinal);
        Assert.Contains($"problem: {DropInDirectory}/70-token.yaml overrides token from the playbook", Plain(overridePlan.Stdout), StringComparison.Ordinal);
        Assert.DoesNotContain("50-cis.yaml", Plain(overridePlan.Stdout), StringComparison.Ordinal);
        await lab.ExecOkAsync(1, $"mv /root/50-cis.yaml {DropInDirectory}/50-cis.yaml");

        // Keep cannot keep a drop-in that sets a key rke2c writes itself: the token one is a problem, and apply refuses.
        var keep = Playbook("ConfigDropIns.Keep();\n");
        var keepRefused = await rke2c.RunAsync("plan", keep);
        Assert.True(keepRefused.Exit == 1, keepRefused.ToString());
        Assert.Contains($"error: {DropInDirectory}/70-token.yaml sets config key 'token', which rke2c manages", Plain(keepRefused.Stdout), StringComparison.Ordinal);
        await lab.ExecOkAsync(1, $"mv {DropInDirectory}/70-token.yaml /root/70-token.yaml");

        // Keep the others: notes, no drift, nothing done.
        var keepPlan = await rke2c.RunAsync("plan", keep);
        Assert.True(keepPlan.Exit == 0, keepPlan.ToString());
        Assert.Contains($"note: {DropInDirectory}/50-cis.yaml sets profile, which changes how RKE2 runs (kept: ConfigDropIns.Keep())", Plain(keepPlan.Stdout), StringComparison.Ordinal);
        var keepApply = await rke2c.RunAsync("apply", "--yes", keep);
        Assert.True(keepApply.Exit == 0, keepApply.ToString());
        Assert.Contains("Nothing to do", keepApply.Stdout, StringComparison.Ordinal);
        Assert.Equal("50-cis.yaml 60-kernel.yml", string.Join(' ', (await lab.ExecOkAsync(1, $"ls {DropInDirectory}")).Split('\n')));
        Assert.Equal(pid, await lab.MainPidAsync(1));
        await lab.ExecOkAsync(1, $"mv /root/70-token.yaml {DropInDirectory}/70-token.yaml");

        // Remove: each file is a change, backed up, removed, and the node restarts once.
        var remove = Playbook("ConfigDropIns.Remove();\n");
        var removePlan = await rke2c.RunAsync("plan", remove);
        Assert.True(removePlan.Exit == 2, removePlan.ToString());
        Assert.Contains($"- {DropInDirectory}/50-cis.yaml (sets profile, which changes how RKE2 runs)", Plain(removePlan.Stdout), StringComparison.Ordinal);
        Assert.Contains($"- {DropInDirectory}/70-token.yaml (overrides token from the playbook)", Plain(removePlan.Stdout), StringComparison.Ordinal);
        Assert.Contains("service rke2-server: restart (config changes)", Plain(removePlan.Stdout), StringComparison.Ordinal);
        var removeApply = await rke2c.RunAsync("apply", "--yes", remove);
        Assert.True(removeApply.Exit == 0, removeApply.ToString());
        Assert.Equal("", await lab.ExecOkAsync(1, $"ls -A {DropInDirectory}"));
        Assert.Equal("profile: cis", await lab.ExecOkAsync(1, $"cat {Backups}/_etc_rancher_rke2_config.yaml.d_50-cis.yaml.*"));
        Assert.NotEqual(pid, await lab.MainPidAsync(1));
        Assert.Equal(2, await lab.StartsAsync(1));

        var finalPlan = await rke2c.RunAsync("plan", remove);
        Assert.True(finalPlan.Exit == 0, finalPlan.ToString());
        var everything = rke2c.EverythingPrintedOrLogged();
        Assert.DoesNotContain(dropInToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(rke2c.Token, everything, StringComparison.Ordinal);
    }

    /// <summary>Plan text without the colour codes around labels such as <c>problem:</c>.</summary>
    private static string Plain(string output) => Regex.Replace(output, @"\x1b\[[0-9;]*m", "");

    private static Task<string> WriteDropInAsync(LabEnvironment lab, string name, string line) =>
        lab.ExecOkAsync(1, $"mkdir -p {DropInDirectory} && printf '%s\\n' '{line}' > {DropInDirectory}/{name}");
}

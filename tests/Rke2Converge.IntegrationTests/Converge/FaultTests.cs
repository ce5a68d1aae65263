using Rke2Converge.IntegrationTests.Lab;
using Rke2Converge.IntegrationTests.Simulator;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// Faults in the middle of a rollout, made real inside a lab host (a read-only or full filesystem, sshd killed): the
/// rollout reports host, command and cause, leaves no half-written file, and a re-run after the fault converges.
/// </summary>
[Collection(Clusters.Name)]
public sealed class FaultTests
{
    private const string ConfigDirectory = "/etc/rancher/rke2";
    private const string ConfigFile = ConfigDirectory + "/config.yaml";

    /// <summary>config.yaml's checksum and the files beside it: a leftover temp file would show up here.</summary>
    private const string ConfigState = $"sha256sum {ConfigFile} && ls -A {ConfigDirectory}";

    [Fact]
    public async Task A_read_only_config_directory_fails_with_host_command_and_cause_and_a_rerun_converges()
    {
        await using var lab = await LabEnvironment.UpAsync("it-fault-ro", 1, new LabOptions { Net = 91 });
        // A read-only bind mount of the directory onto itself, inside the host's own mount namespace.
        await WriteFailsThenRerunConvergesAsync(lab,
            fault: $"mount --bind {ConfigDirectory} {ConfigDirectory} && mount -o remount,bind,ro {ConfigDirectory}",
            cause: "Read-only file system",
            repair: $"umount {ConfigDirectory}");
    }

    [Fact]
    public async Task A_full_disk_leaves_no_half_written_config_and_a_rerun_after_freeing_space_converges()
    {
        await using var lab = await LabEnvironment.UpAsync("it-fault-full", 1, new LabOptions { Net = 92 });
        // A small tmpfs over the config directory, holding the current files, then filled to the last byte.
        await WriteFailsThenRerunConvergesAsync(lab,
            fault: $"""
                set -e
                saved=$(mktemp -d)
                cp -a {ConfigDirectory}/. "$saved/"
                mount -t tmpfs -o size=256k,mode=755 rke2c-full {ConfigDirectory}
                cp -a "$saved/." {ConfigDirectory}/
                rm -rf "$saved"
                dd if=/dev/zero of={ConfigDirectory}/filler bs=4k 2>/dev/null || true
                dd if=/dev/zero of={ConfigDirectory}/filler-tail bs=1 2>/dev/null || true
                test "$(df --output=avail {ConfigDirectory} | tail -n 1 | tr -d ' ')" = 0
                """,
            cause: "No space left on device",
            repair: $"rm -f {ConfigDirectory}/filler {ConfigDirectory}/filler-tail");
    }

    /// <summary>
    /// Bootstraps one server, breaks its config directory with <paramref name="fault"/>, and checks that a config
    /// change then fails with host, command and <paramref name="cause"/>, leaves config.yaml and the service as they
    /// were, and converges once <paramref name="repair"/> has run.
    /// </summary>
    private static async Task WriteFailsThenRerunConvergesAsync(LabEnvironment lab, string fault, string cause, string repair)
    {
        var rke2c = new Rke2cDriver(lab.Name);
        var header = Header(lab) + Node(lab, "Server", "server-1", 1);
        var bootstrap = await rke2c.RunAsync("apply", "--yes", rke2c.WritePlaybook("site.csx", header));
        Assert.True(bootstrap.Exit == 0, bootstrap.ToString());
        var changed = rke2c.WritePlaybook("site.csx", header + "Config[\"node-label\"] = new[] { \"fault=test\" };\n");
        var pid = await lab.MainPidAsync(1);
        await lab.ExecOkAsync(1, fault);
        var before = await lab.ExecOkAsync(1, ConfigState);

        var apply = await rke2c.RunAsync("apply", "--yes", changed);

        Assert.True(apply.Exit == 1, apply.ToString());
        Assert.Contains("rollout stopped at server-1", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains($"server-1: config.yaml: write {ConfigFile} failed (exit 1)", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains(cause, apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await lab.ExecOkAsync(1, ConfigState));
        Assert.Equal(pid, await lab.MainPidAsync(1));

        await lab.ExecOkAsync(1, repair);
        var rerun = await rke2c.RunAsync("apply", "--yes", changed);
        Assert.True(rerun.Exit == 0, rerun.ToString());
        Assert.Contains("server-1: converged", rerun.Stdout, StringComparison.Ordinal);
        Assert.Contains("fault=test", await lab.ExecOkAsync(1, $"cat {ConfigFile}"), StringComparison.Ordinal);
        Assert.Empty(await lab.ExecOkAsync(1, $"ls -A {ConfigDirectory} | grep rke2c || true"));
        Assert.NotEqual(pid, await lab.MainPidAsync(1));
        Assert.Equal(2, await lab.StartsAsync(1));
        var plan = await rke2c.RunAsync("plan", changed);
        Assert.True(plan.Exit == 0, plan.ToString());
        Assert.DoesNotContain(rke2c.Token, rke2c.EverythingPrintedOrLogged(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sshd_killed_while_the_rollout_waits_in_gates_fails_the_node_and_a_rerun_converges()
    {
        await using var lab = await LabEnvironment.UpAsync("it-fault-sshd", 2, new LabOptions { Net = 93 });
        var rke2c = new Rke2cDriver(lab.Name);
        string Playbook(string gates) => Header(lab) + gates + Node(lab, "Server", "server-1", 1) + Node(lab, "Agent", "agent-1", 2);
        // A long settle window keeps server-1 in its gates for a minute, however fast it comes up, so sshd is surely
        // killed while the rollout waits there; from then on no gate can pass and the failure is sshd's.
        var playbook = rke2c.WritePlaybook("site.csx", Playbook("Gates.All(timeout: TimeSpan.FromSeconds(90)).SettleWindow(TimeSpan.FromSeconds(60));\n"));

        var apply = rke2c.RunAsync("apply", "--yes", playbook);
        // The start command turns the pending marker to verify; from then on the rollout is in server-1's gates.
        var reached = await ByHand.EventuallyAsync(async () =>
            apply.IsCompleted ? "ended"
            : (await lab.ExecAsync(1, "cat /var/lib/rancher/rke2c/pending 2>/dev/null")).Stdout.Trim() == "verify" ? "gates" : null,
            TimeSpan.FromMinutes(8), TimeSpan.FromMilliseconds(200));
        Assert.True(reached == "gates", "the rollout never reached server-1's gates:\n" + (apply.IsCompleted ? (await apply).ToString() : ""));
        await lab.SshdAsync(1, "stop");
        var failed = await apply;
        await lab.SshdAsync(1, "start");

        Assert.True(failed.Exit == 1, failed.ToString());
        Assert.Contains("rollout stopped at server-1", failed.Stderr, StringComparison.Ordinal);
        Assert.Contains("server-1: gate '", failed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"cannot reach root@{LabEnvironment.Address(93, 1)}", failed.Stderr, StringComparison.Ordinal);
        Assert.Contains("not touched: agent-1", failed.Stderr, StringComparison.Ordinal);
        Assert.False(await lab.FileExistsAsync(2, ConfigFile));

        var patient = rke2c.WritePlaybook("site.csx", Playbook(""));
        var plan = await rke2c.RunAsync("plan", patient);
        Assert.True(plan.Exit == 2, plan.ToString());
        Assert.Contains("service rke2-server: verify readiness", plan.Stdout, StringComparison.Ordinal);
        // The failed run could not release its lock on the host it lost: the next run refuses it as stale, and the
        // operator takes it over explicitly.
        var locked = await rke2c.RunAsync("apply", "--yes", patient);
        Assert.True(locked.Exit == 1, locked.ToString());
        Assert.Contains("looks stale", locked.Stderr, StringComparison.Ordinal);
        var rerun = await rke2c.RunAsync("apply", "--yes", patient, "--force-unlock");
        Assert.True(rerun.Exit == 0, rerun.ToString());
        ClusterAssertions.ConvergedOneAtATime(rerun.Stdout, "server-1", "agent-1");
        Assert.Equal(1, await lab.StartsAsync(1));
        var final = await rke2c.RunAsync("plan", patient);
        Assert.True(final.Exit == 0, final.ToString());
    }
}

using System.Diagnostics;
using Xunit;

namespace Rke2Converge.IntegrationTests.Lab;

/// <summary>One lab host with a tiny Type=notify service program installed at /usr/local/bin/notify-svc.</summary>
public sealed class LabSystemdFixture() : LabFixture("it-lab-systemd", 1, new LabOptions { Net = 211 }), IAsyncLifetime
{
    /// <summary>
    /// Sends READY=1 (and a STATUS) to $NOTIFY_SOCKET after NOTIFY_DELAY seconds, then lives LIFE seconds and exits 3;
    /// with NOTIFY_MODE=fail it exits 1 before becoming ready. Arguments are ignored, so it can stand in for rke2.
    /// </summary>
    public const string NotifyService = """
        #!/usr/bin/python3
        import os, socket, sys, time
        delay = float(os.environ.get("NOTIFY_DELAY", "0.2"))
        print("notify-svc starting", " ".join(sys.argv[1:]), flush=True)
        time.sleep(delay)
        if os.environ.get("NOTIFY_MODE") == "fail":
            print("notify-svc failing", file=sys.stderr, flush=True)
            sys.exit(1)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(b"READY=1\nSTATUS=serving", os.environ["NOTIFY_SOCKET"])
        print("notify-svc ready", flush=True)
        time.sleep(float(os.environ.get("LIFE", "3600")))
        sys.exit(3)
        """;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        var (exit, _, stderr) = await Lab.ExecAsync(1,
            $"mkdir -p /usr/local/bin /usr/local/lib/systemd/system && cat > /usr/local/bin/notify-svc <<'EOF'\n{NotifyService}\nEOF\nchmod 755 /usr/local/bin/notify-svc");
        if (exit != 0) throw new InvalidOperationException(stderr);
    }
}

/// <summary>labsystemd behaves like systemd where RKE2 and rke2c rely on it.</summary>
public sealed class LabSystemdTests(LabSystemdFixture fixture) : IClassFixture<LabSystemdFixture>
{
    private LabEnvironment Lab => fixture.Lab;

    private async Task InstallUnitAsync(string name, string body)
    {
        var (exit, _, stderr) = await Lab.ExecAsync(1, $"cat > /usr/local/lib/systemd/system/{name} <<'EOF'\n{body}\nEOF");
        Assert.True(exit == 0, stderr);
    }

    private static string NotifyUnit(string environment = "", string extra = "") => $"""
        [Unit]
        Description=Lab test service
        {extra}

        [Service]
        Type=notify
        Environment={environment}
        ExecStart=/usr/local/bin/notify-svc
        Restart=always
        RestartSec=1s
        TimeoutStartSec=0

        [Install]
        WantedBy=multi-user.target
        """;

    private async Task<(int Exit, string Stdout, string Stderr)> Sh(string command)
    {
        var result = await Lab.ExecAsync(1, command);
        return result;
    }

    private async Task<string> Property(string unit, string property) =>
        (await Sh($"systemctl show -p {property} --value {unit}")).Stdout.Trim();

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(200);
        }
        Assert.Fail($"timed out waiting for {what}");
    }

    [Fact]
    public async Task Blocking_start_of_a_notify_unit_returns_once_it_is_ready()
    {
        await InstallUnitAsync("slow.service", NotifyUnit("NOTIFY_DELAY=1.5"));
        var watch = Stopwatch.StartNew();
        var (exit, _, stderr) = await Sh("systemctl start slow.service");
        watch.Stop();

        Assert.True(exit == 0, stderr);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.4), $"start returned after {watch.Elapsed}");
        Assert.Equal("active\n", (await Sh("systemctl is-active slow")).Stdout);
        Assert.Equal("running", await Property("slow", "SubState"));
        Assert.Equal("serving", await Property("slow", "StatusText"));
        Assert.Matches(@"^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$", await Property("slow", "ExecMainStartTimestamp"));
        var journal = (await Sh("journalctl -u slow --no-pager")).Stdout;
        Assert.Matches(@"\w{3} \d{2} \d{2}:\d{2}:\d{2} h1 notify-svc\[\d+\]: notify-svc ready", journal);
        Assert.Contains("systemd[1]: Started slow.service - Lab test service.", journal);
        await Sh("systemctl stop slow");
        Assert.Equal("inactive", (await Sh("systemctl is-active slow")).Stdout.Trim());
    }

    [Fact]
    public async Task No_block_start_returns_while_the_unit_is_still_activating()
    {
        await InstallUnitAsync("nb.service", NotifyUnit("NOTIFY_DELAY=2"));
        var (exit, stdout, _) = await Sh("systemctl start --no-block nb && systemctl is-active nb");
        Assert.Equal(3, exit);
        Assert.Equal("activating\n", stdout);
        await WaitUntilAsync(async () => (await Sh("systemctl is-active --quiet nb")).Exit == 0, "nb to become active");
        await Sh("systemctl stop nb");
    }

    [Fact]
    public async Task A_start_that_fails_before_ready_exits_1_and_the_unit_keeps_restarting()
    {
        await InstallUnitAsync("crash.service", NotifyUnit("NOTIFY_MODE=fail NOTIFY_DELAY=0.1"));
        var (exit, _, stderr) = await Sh("systemctl start crash");
        Assert.Equal(1, exit);
        Assert.Contains("Job for crash.service failed because the control process exited with error code.", stderr);
        await WaitUntilAsync(async () => int.Parse(await Property("crash", "NRestarts")) >= 1, "a restart");
        Assert.Equal("activating", await Property("crash", "ActiveState"));
        Assert.Equal("exit-code", await Property("crash", "Result"));
        await Sh("systemctl stop crash");
        Assert.Equal("inactive", await Property("crash", "ActiveState"));
    }

    [Fact]
    public async Task A_main_process_that_exits_is_restarted_after_RestartSec()
    {
        await InstallUnitAsync("phoenix.service", NotifyUnit());
        Assert.Equal(0, (await Sh("systemctl start phoenix")).Exit);
        var firstPid = await Property("phoenix", "MainPID");
        Assert.Equal(0, (await Sh($"kill -9 {firstPid}")).Exit);
        await WaitUntilAsync(async () => await Property("phoenix", "SubState") == "auto-restart", "auto-restart");
        await WaitUntilAsync(async () => await Property("phoenix", "ActiveState") == "active", "the restart");
        Assert.Equal("1", await Property("phoenix", "NRestarts"));
        Assert.NotEqual(firstPid, await Property("phoenix", "MainPID"));
        Assert.Contains("phoenix.service: Scheduled restart job, restart counter is at 1.", (await Sh("journalctl -u phoenix -o cat")).Stdout);
        await Sh("systemctl stop phoenix");
    }

    [Fact]
    public async Task A_start_that_is_not_an_automatic_restart_begins_a_new_restart_count()
    {
        await InstallUnitAsync("lazarus.service", NotifyUnit());
        Assert.Equal(0, (await Sh("systemctl start lazarus")).Exit);
        Assert.Equal(0, (await Sh($"kill -9 {await Property("lazarus", "MainPID")}")).Exit);
        await WaitUntilAsync(async () => await Property("lazarus", "NRestarts") == "1" && await Property("lazarus", "ActiveState") == "active", "the automatic restart");

        Assert.Equal(0, (await Sh("systemctl restart lazarus")).Exit);

        Assert.Equal("0", await Property("lazarus", "NRestarts"));
        await Sh("systemctl stop lazarus");
    }

    [Fact]
    public async Task The_real_rke2_units_work_unchanged_and_exclude_each_other()
    {
        await Sh("cp /usr/local/bin/notify-svc /usr/local/bin/rke2");
        await InstallUnitAsync("rke2-server.service", Rke2Unit("server", "agent"));
        await InstallUnitAsync("rke2-agent.service", Rke2Unit("agent", "server"));

        var enable = await Sh("systemctl enable --now rke2-server.service");
        Assert.True(enable.Exit == 0, enable.Stderr);
        Assert.Contains("Created symlink /etc/systemd/system/multi-user.target.wants/rke2-server.service → /usr/local/lib/systemd/system/rke2-server.service.", enable.Stderr);
        Assert.Equal("enabled\n", (await Sh("systemctl is-enabled rke2-server")).Stdout);
        Assert.Equal("active", await Property("rke2-server", "ActiveState"));
        var journal = (await Sh("journalctl -u rke2-server -o cat")).Stdout;
        Assert.Contains("+ /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service", journal);
        Assert.Contains("notify-svc starting server", journal);

        Assert.Equal(0, (await Sh("systemctl start rke2-agent")).Exit);
        Assert.Equal("inactive", await Property("rke2-server", "ActiveState"));
        Assert.Equal(0, (await Sh("systemctl restart rke2-server")).Exit);
        Assert.Equal("inactive", await Property("rke2-agent", "ActiveState"));
        Assert.Equal("active", await Property("rke2-server", "ActiveState"));

        Assert.Equal(0, (await Sh("systemctl disable --now rke2-server")).Exit);
        Assert.Equal(1, (await Sh("systemctl is-enabled rke2-server")).Exit);
        Assert.Equal("inactive", await Property("rke2-server", "ActiveState"));
    }

    [Fact]
    public async Task A_changed_unit_file_is_used_only_after_daemon_reload()
    {
        await InstallUnitAsync("edited.service", NotifyUnit("NOTIFY_DELAY=0.1"));
        Assert.Equal("no", await Property("edited", "NeedDaemonReload"));
        await InstallUnitAsync("edited.service", NotifyUnit("NOTIFY_MODE=fail"));
        Assert.Equal("yes", await Property("edited", "NeedDaemonReload"));

        var start = await Sh("systemctl start edited");
        Assert.Equal(0, start.Exit);
        Assert.Contains("Warning: The unit file, source configuration file or drop-ins of edited.service changed on disk.", start.Stderr);

        await Sh("systemctl stop edited && systemctl daemon-reload");
        Assert.Equal("no", await Property("edited", "NeedDaemonReload"));
        Assert.Equal(1, (await Sh("systemctl start edited")).Exit);
        await Sh("systemctl stop edited");
    }

    [Fact]
    public async Task Unknown_units_fail_like_systemctl()
    {
        var start = await Sh("systemctl start nosuch");
        Assert.Equal(5, start.Exit);
        Assert.Equal("Failed to start nosuch.service: Unit nosuch.service not found.\n", start.Stderr);
        var active = await Sh("systemctl is-active nosuch");
        Assert.Equal((3, "inactive\n"), (active.Exit, active.Stdout));
        Assert.Equal("not-found", await Property("nosuch", "LoadState"));
    }

    [Fact]
    public async Task Enabled_units_start_and_sysctl_d_is_applied_after_a_reboot()
    {
        await InstallUnitAsync("boot.service", NotifyUnit());
        await InstallUnitAsync("manual.service", NotifyUnit());
        Assert.Equal(0, (await Sh("systemctl enable boot && systemctl start manual")).Exit);
        Assert.Equal(0, (await Sh("printf 'vm.overcommit_memory = 1\\nkernel.panic = 10\\n' > /etc/sysctl.d/90-test.conf && sysctl -w kernel.panic_on_oops=1")).Exit);

        await Lab.RebootAsync(1);

        Assert.Equal("1\n10\n0\n", (await Sh("sysctl -n vm.overcommit_memory kernel.panic kernel.panic_on_oops")).Stdout);
        Assert.Equal("inactive", await Property("manual", "ActiveState"));
        await WaitUntilAsync(async () => await Property("boot", "ActiveState") == "active", "boot.service after reboot");
        await Sh("systemctl disable --now boot; rm -f /etc/sysctl.d/90-test.conf");
    }

    [Fact]
    public async Task Systemctl_reboot_over_ssh_reboots_the_host_with_a_new_boot_id()
    {
        await InstallUnitAsync("boot.service", NotifyUnit());
        Assert.Equal(0, (await Sh("systemctl enable boot && touch /run/before-reboot")).Exit);
        var bootId = (await Sh("cat /proc/sys/kernel/random/boot_id")).Stdout.Trim();
        Assert.Matches("^[0-9a-f-]{36}$", bootId);
        Assert.Equal(bootId, (await Sh("cat /proc/sys/kernel/random/boot_id")).Stdout.Trim());

        var reboot = await Lab.SshAsync(1, "systemctl reboot");
        Assert.True(reboot.Exit == 0, reboot.Stderr);

        // The session ends with the host; SSH answers again on the new boot, which has a boot id of its own.
        await WaitUntilAsync(async () => (await Lab.SshAsync(1, "cat /proc/sys/kernel/random/boot_id")) is { Exit: 0 } after
            && after.Stdout.Trim() is { Length: 36 } id && id != bootId, "a new boot id over ssh");
        Assert.NotEqual(0, (await Sh("test -e /run/before-reboot")).Exit);
        await WaitUntilAsync(async () => await Property("boot", "ActiveState") == "active", "boot.service after the reboot");
        Assert.Equal(1, (await Sh("systemctl reboot extra")).Exit);
        await Sh("systemctl disable --now boot");
    }

    /// <summary>Upstream's unit text, as the simulator's release tarball ships it.</summary>
    private static string Rke2Unit(string role, string other) => Rke2Sim.Artifacts.BundleFiles.Unit(role, $"rke2-{other}.service");
}

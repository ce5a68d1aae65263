using System.Diagnostics;
using System.Security.Cryptography;
using Rke2Converge.Remote;
using Xunit;

namespace Rke2Converge.Tests.Remote;

/// <summary>
/// What every transport must do, run against a real sshd: the OpenSSH client and SSH.NET each derive from this
/// with their own factory, so an in-process client is held to the same behaviour as the system one.
/// </summary>
public abstract class RemoteShellContract(SshdLab lab)
{
    private const string Secret = "SECRET-TOKEN-d41d8cd98f";

    protected SshdLab Lab => lab;

    /// <summary>A fresh factory of the transport under test; <paramref name="name"/> keeps its state apart.</summary>
    private protected abstract IRemoteShellFactory NewFactory(string name, TimeSpan? localGrace = null);

    private IRemoteShell Open(string node = "node-a", string factoryName = "cm") =>
        NewFactory(factoryName).Open(SshdLab.Node(node), lab.Ssh, lab.KnownHostsFile);

    [Fact]
    public async Task Returns_exit_code_stdout_stderr_and_elapsed_time()
    {
        await using var shell = Open();

        var result = await shell.RunAsync(new RemoteCommand("mixed", "echo out; echo err >&2; exit 3"), default);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        Assert.True(result.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public async Task Runs_as_root_without_sudo_and_passes_hostile_arguments_intact()
    {
        await using var shell = Open();
        var command = new RemoteCommand("args", "id -u; printf '%s\\0' \"$0\" \"$@\"") { Arguments = HostileStrings.All };

        var result = await shell.RunCheckedAsync(command, default);

        Assert.StartsWith("0\n", result.Stdout);
        Assert.Equal(["rke2c", .. HostileStrings.All], result.Stdout[2..^1].Split('\0'));
    }

    [Fact]
    public async Task Delivers_binary_stdin_exactly()
    {
        await using var shell = Open();
        var bytes = new byte[1_000_000];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0;
        var command = new RemoteCommand("hash stdin", "sha256sum | cut -d' ' -f1") { Stdin = bytes };

        var result = await shell.RunCheckedAsync(command, default);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Stdout.Trim());
    }

    [Fact]
    public async Task Closes_stdin_when_there_is_none_so_readers_do_not_hang()
    {
        await using var shell = Open();

        var result = await shell.RunCheckedAsync(
            new RemoteCommand("read stdin", "wc -c") { Timeout = TimeSpan.FromSeconds(10) }, default);

        Assert.Equal("0", result.Stdout.Trim());
    }

    [Fact]
    public async Task Captures_megabytes_of_stdout_and_stderr_at_once()
    {
        await using var shell = Open();
        var script = "head -c 5000000 /dev/zero | tr '\\0' x; head -c 1000000 /dev/zero | tr '\\0' y >&2";

        var result = await shell.RunCheckedAsync(new RemoteCommand("big output", script), default);

        Assert.Equal(5_000_000, result.Stdout.Length);
        Assert.Equal(1_000_000, result.Stderr.Length);
        Assert.All(new[] { result.Stdout[0], result.Stdout[^1] }, c => Assert.Equal('x', c));
    }

    [Fact]
    public async Task Remote_timeout_ends_the_command_and_names_host_command_and_limit()
    {
        // The local deadline is far away, so only the remote `timeout` can end the command well before it.
        var localGrace = TimeSpan.FromMinutes(10);
        await using var shell = NewFactory("cm-slow", localGrace).Open(SshdLab.Node("node-slow"), lab.Ssh, lab.KnownHostsFile);
        var command = new RemoteCommand("wait forever", "sleep 900")
        {
            Timeout = TimeSpan.FromSeconds(1),
            Stdin = System.Text.Encoding.UTF8.GetBytes(Secret),
        };
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RemoteTimeoutException>(() => shell.RunAsync(command, default));

        Assert.True(stopwatch.Elapsed < localGrace, $"ended by the local deadline after {stopwatch.Elapsed}, not by the remote timeout");
        Assert.Contains("node-slow", error.Message);
        Assert.Contains("wait forever", error.Message);
        Assert.Contains("1s", error.Message);
        Assert.DoesNotContain(Secret, error.Message);
    }

    [Fact]
    public async Task Local_timeout_ends_the_command_when_the_remote_side_does_not_stop_in_time()
    {
        // TERM is ignored and a child in its own session keeps the output open, so the remote `timeout` (even its KILL)
        // cannot end the session for 120 s; only the local deadline (1 s + 1 s grace) can end it sooner.
        await using var shell = NewFactory("cm-local", localGrace: TimeSpan.FromSeconds(1))
            .Open(SshdLab.Node("node-stuck"), lab.Ssh, lab.KnownHostsFile);
        var command = new RemoteCommand("ignore TERM", "trap '' TERM; setsid sleep 120 & wait") { Timeout = TimeSpan.FromSeconds(1) };
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RemoteTimeoutException>(() => shell.RunAsync(command, default));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(120), $"took {stopwatch.Elapsed}: the session ended on its own, not by the local deadline");
        Assert.Contains("node-stuck", error.Message);
    }

    [Fact]
    public async Task Cancellation_stops_the_command()
    {
        await using var shell = Open();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        // Uncancelled, the command would succeed (after two minutes) and nothing would be thrown.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => shell.RunAsync(
                new RemoteCommand("sleep", "sleep 120") { Timeout = TimeSpan.FromSeconds(150) }, cancellation.Token));
    }

    [Fact]
    public async Task A_script_exiting_255_is_a_result_not_a_connection_failure()
    {
        await using var shell = Open();

        var result = await shell.RunAsync(new RemoteCommand("exit 255", "echo bye >&2; exit 255"), default);

        Assert.Equal(255, result.ExitCode);
        Assert.Equal("bye\n", result.Stderr);
    }

    [Fact]
    public async Task Checked_run_reports_node_description_exit_code_and_stderr()
    {
        await using var shell = Open("node-b");

        var error = await Assert.ThrowsAsync<RemoteCommandException>(
            () => shell.RunCheckedAsync(new RemoteCommand("fail on purpose", "echo broken >&2; exit 4"), default));

        Assert.Equal("node-b: fail on purpose failed (exit 4): broken", error.Message);
    }

    [Fact]
    public async Task Unknown_host_key_is_refused_with_advice_that_works()
    {
        var knownHosts = Path.Combine(lab.Directory, "empty_known_hosts-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(knownHosts, "");
        await using var shell = NewFactory("cm-unknown").Open(SshdLab.Node("node-new"), lab.Ssh, knownHosts);
        var command = new RemoteCommand("hello", "echo hello") { Stdin = System.Text.Encoding.UTF8.GetBytes(Secret) };

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(() => shell.RunAsync(command, default));

        Assert.Contains("node-new", error.Message);
        Assert.Contains($"No ED25519 host key is known for {SshdLab.Address}", error.Message);
        var advice = $"ssh-keyscan -p 22 {SshdLab.Address} >> {knownHosts}";
        Assert.Contains(advice, error.Message);
        Assert.DoesNotContain(Secret, error.Message);

        // Following the advice (after checking the fingerprint, which the test knows) makes the host reachable.
        var scan = LocalProcess.Run("/bin/sh", ["-c", advice]);
        Assert.Equal(0, scan.ExitCode);
        Assert.Contains(SshdLab.PublicKey(lab.HostKey), File.ReadAllText(knownHosts));
        Assert.Equal("hello\n", (await shell.RunCheckedAsync(command, default)).Stdout);
    }

    [Fact]
    public async Task Changed_host_key_is_refused_with_advice_to_replace_the_entry()
    {
        var otherKey = Path.Combine(lab.Directory, "otherkey-" + Guid.NewGuid().ToString("N"));
        LocalProcess.RunChecked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey);
        var knownHosts = Path.Combine(lab.Directory, "stale_known_hosts-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(knownHosts, $"{SshdLab.Address} {SshdLab.PublicKey(otherKey)}\n");
        await using var shell = NewFactory("cm-changed").Open(SshdLab.Node("node-moved"), lab.Ssh, knownHosts);

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(
            () => shell.RunAsync(new RemoteCommand("hello", "echo hello"), default));

        Assert.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", error.Message);
        Assert.Contains($"ssh-keygen -R {SshdLab.Address} -f {knownHosts}", error.Message);
        Assert.Contains($"ssh-keyscan -p 22 {SshdLab.Address} >> {knownHosts}", error.Message);
    }

    [Fact]
    public async Task Unreachable_host_is_a_connection_failure_naming_the_host()
    {
        await using var shell = NewFactory("cm-dead")
            .Open(SshdLab.Node("node-dead", SshdLab.DeadAddress), lab.Ssh, lab.KnownHostsFile);

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(
            () => shell.RunAsync(new RemoteCommand("hello", "echo hello"), default));

        Assert.Contains("node-dead", error.Message);
        Assert.Contains(SshdLab.DeadAddress, error.Message);
        Assert.Contains("Connection refused", error.Message);
        Assert.DoesNotContain("ssh-keyscan", error.Message);
    }

    [Fact]
    public async Task Refused_login_is_a_connection_failure()
    {
        var strangerKey = Path.Combine(lab.Directory, "stranger-" + Guid.NewGuid().ToString("N"));
        LocalProcess.RunChecked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", strangerKey);
        await using var shell = NewFactory("cm-stranger")
            .Open(SshdLab.Node("node-locked"), lab.Ssh with { IdentityFile = strangerKey }, lab.KnownHostsFile);

        var error = await Assert.ThrowsAsync<RemoteConnectionException>(
            () => shell.RunAsync(new RemoteCommand("hello", "echo hello"), default));

        Assert.Contains("node-locked", error.Message);
        Assert.Contains("Permission denied (publickey)", error.Message);
    }

    [Fact]
    public async Task Commands_of_one_shell_share_one_connection()
    {
        await using var shell = Open("node-r", "cm-reuse");
        var whoAmI = new RemoteCommand("client port", "printf '%s' \"$SSH_CLIENT\" | cut -d' ' -f2");

        // sshd sets SSH_CLIENT per connection: the client's source port tells connections apart.
        var first = await shell.RunCheckedAsync(whoAmI, default);
        var second = await shell.RunCheckedAsync(whoAmI, default);

        Assert.Matches("^[0-9]+\n?$", first.Stdout);
        Assert.Equal(first.Stdout, second.Stdout);
    }

    [Fact]
    public async Task Parallel_commands_share_one_host_safely()
    {
        await using var shell = Open("node-p", "cm-parallel");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            shell.RunCheckedAsync(new RemoteCommand($"echo {i}", "echo \"$1\"") { Arguments = [$"{i}"] }, default)));

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"{i}\n"), results.Select(r => r.Stdout));
    }
}

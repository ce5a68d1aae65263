using System.Text.Json;
using Rke2Converge.AdHoc;
using Rke2Converge.Cli.Output;
using Rke2Converge.Remote;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.AdHoc;

/// <summary>rke2c exec's engine: the command as given, every node's own result, the parallel bound and --serial's stop.</summary>
public sealed class AdHocRunnerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_command_line_reaches_the_node_shell_as_given_and_each_node_reports_its_own_exit_code_stdout_and_stderr()
    {
        var command = new AdHocCommand(["printf '%s\\n' \"it's\" $((1+2)) | tr a-z A-Z;", "echo", "oops >&2; exit 3"], Timeout);
        var shells = new IRemoteShell[] { new LocalShell("n1"), new LocalShell("n2") };

        var results = await new AdHocRunner(parallel: 4, serial: false).RunAsync(shells, command, null, default);

        Assert.Equal(["n1", "n2"], results.Select(r => r.Node));
        Assert.All(results, result =>
        {
            Assert.Equal(AdHocNodeResult.Failed, result.Outcome);
            Assert.Equal(3, result.ExitCode);
            Assert.Equal("IT'S\n3\n", result.Stdout);
            Assert.Equal("oops\n", result.Stderr);
            Assert.Null(result.Error);
        });
        Assert.Equal(command.CommandLine, command.ToRemote().Script);
        Assert.Empty(command.ToRemote().Arguments);
        Assert.Equal(Timeout, command.ToRemote().Timeout);
        Assert.DoesNotContain("it's", command.ToRemote().Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_more_nodes_than_the_parallel_bound_run_at_once_and_an_unreachable_or_timed_out_node_is_that_node_s_result()
    {
        var gauge = new Gauge();
        var shells = Enumerable.Range(1, 6).Select(i => (IRemoteShell)new FakeShell($"n{i}", gauge, i switch
        {
            2 => new RemoteConnectionException("n2: ssh: connect to host 127.0.0.2 port 22: Connection refused"),
            5 => new RemoteTimeoutException("n5: 'exec' timed out after 30s"),
            _ => null,
        })).ToList();
        var finished = new List<string>();

        var results = await new AdHocRunner(parallel: 2, serial: false).RunAsync(shells, new AdHocCommand(["true"], Timeout), r => finished.Add(r.Node), default);

        Assert.Equal(2, gauge.Highest);
        Assert.Equal(6, finished.Count);
        Assert.Equal([AdHocNodeResult.Ok, AdHocNodeResult.Unreachable, AdHocNodeResult.Ok, AdHocNodeResult.Ok, AdHocNodeResult.TimedOut, AdHocNodeResult.Ok],
            results.Select(r => r.Outcome));
        Assert.Contains("Connection refused", results[1].Error, StringComparison.Ordinal);
        Assert.Null(results[4].ExitCode);
    }

    [Fact]
    public async Task Serial_runs_one_node_at_a_time_in_order_and_starts_no_node_after_the_first_failure()
    {
        var gauge = new Gauge();
        var shells = new[] { new FakeShell("a", gauge, null), new FakeShell("b", gauge, null, exitCode: 1), new FakeShell("c", gauge, null) };

        var results = await new AdHocRunner(parallel: 16, serial: true).RunAsync(shells, new AdHocCommand(["false"], Timeout), null, default);

        Assert.Equal(1, gauge.Highest);
        Assert.Equal([AdHocNodeResult.Ok, AdHocNodeResult.Failed, AdHocNodeResult.Skipped], results.Select(r => r.Outcome));
        Assert.Equal(0, shells[2].Runs);
        Assert.Equal(["a", "b"], gauge.Order);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_command_is_refused(string text) =>
        Assert.Throws<ArgumentException>(() => new AdHocCommand([text], Timeout));

    [Fact]
    public void The_json_names_each_node_s_outcome_and_escapes_what_it_printed_but_never_carries_the_command_text()
    {
        var command = new AdHocCommand(["curl -H 'Authorization: Bearer s3cr3t' https://example"], Timeout);
        var results = new[] { new AdHocNodeResult("n1", AdHocNodeResult.Ok, 0, "\u001b[2Jcleared\n", "", null, TimeSpan.FromMilliseconds(1500)) };

        var json = JsonOutput.Text(ExecJson.Document("lab", "agents", new AdHocRunner(4, serial: false), command, results));

        Assert.DoesNotContain("s3cr3t", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var node = Assert.Single(document.RootElement.GetProperty("nodes").EnumerateArray());
        Assert.Equal("\u001b[2Jcleared\n", node.GetProperty("stdout").GetString());
        Assert.Equal(0, node.GetProperty("exitCode").GetInt32());
        Assert.Equal(1500, node.GetProperty("elapsedMs").GetInt64());
        Assert.True(document.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal(command.ShortHash, document.RootElement.GetProperty("commandHash").GetString());
    }

    private sealed class Gauge
    {
        private int _running;

        public int Highest { get; private set; }

        public List<string> Order { get; } = [];

        public async Task<int> EnterAsync(string node)
        {
            lock (this)
            {
                Order.Add(node);
                Highest = Math.Max(Highest, ++_running);
            }
            await Task.Delay(50);
            lock (this) _running--;
            return 0;
        }
    }

    private sealed class FakeShell(string name, Gauge gauge, RemoteException? failure, int exitCode = 0) : IRemoteShell
    {
        public int Runs { get; private set; }

        public string NodeName => name;

        public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            Runs++;
            await gauge.EnterAsync(name);
            if (failure is not null) throw failure;
            return new RemoteResult(exitCode, "", "", TimeSpan.FromMilliseconds(50));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

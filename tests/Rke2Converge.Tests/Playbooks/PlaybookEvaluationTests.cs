namespace Rke2Converge.Tests.Playbooks;

/// <summary>Playbook code is bounded in time, an empty playbook says so, and CRLF values are made LF.</summary>
public sealed class PlaybookEvaluationTests : IDisposable
{
    private const string Header = """Cluster("lab").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("T"));""";

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private Rke2Converge.Playbooks.PlaybookLoader Loader(TimeSpan timeout) =>
        new(new Rke2Converge.Playbooks.PlaybookLoaderOptions { CacheDirectory = _workspace.CacheDirectory, EvaluationTimeout = timeout });

    // A sleeping thread stands in for `while (true) {}`: neither can be cancelled, and it leaves no core spinning
    // for the rest of the test run. The CLI test ValidateCommandTests runs the real endless loop.
    [Theory]
    [InlineData("System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);")]
    [InlineData("await System.Threading.Tasks.Task.Delay(System.Threading.Timeout.Infinite);")]
    public async Task A_playbook_that_never_finishes_is_stopped_with_a_clear_message(string body)
    {
        var path = _workspace.Write("site.csx", Header + "\n" + body + "\n");

        var result = await Loader(TimeSpan.FromSeconds(1)).LoadAsync(path, CancellationToken.None);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(path, error.File);
        Assert.StartsWith("the playbook did not finish within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("--eval-timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_playbook_within_its_time_loads()
    {
        var path = _workspace.Write("site.csx", Header + "\nawait System.Threading.Tasks.Task.Delay(10);\nServer(\"s1\", \"10.0.0.1\");\n");

        var result = await Loader(TimeSpan.FromMinutes(2)).LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal("s1", Assert.Single(result.Model.Nodes).Name);
    }

    [Fact]
    public async Task An_exception_thrown_by_the_playbook_still_names_its_line()
    {
        var path = _workspace.Write("site.csx", Header + "\nthrow new System.InvalidOperationException(\"boom\");\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal($"{path}:2: error: InvalidOperationException: boom", error.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("// nothing but a comment\n")]
    [InlineData("var unused = 1;\n")]
    public async Task An_empty_playbook_says_so(string content)
    {
        var path = _workspace.Write("site.csx", content);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal($"{path}: error: the playbook declares nothing (is it empty?): declare Cluster(\"name\").Version(...).Token(...) and at least one node", error.ToString());
    }

    [Fact]
    public void The_default_timeout_is_thirty_seconds_unless_the_environment_says_otherwise()
    {
        var expected = Environment.GetEnvironmentVariable(Rke2Converge.Playbooks.PlaybookLoaderOptions.EvaluationTimeoutVariable) is null
            ? TimeSpan.FromSeconds(30)
            : Rke2Converge.Playbooks.PlaybookLoaderOptions.DefaultEvaluationTimeout();
        Assert.Equal(expected, new Rke2Converge.Playbooks.PlaybookLoaderOptions().EvaluationTimeout);
    }

    [Fact]
    public async Task Crlf_in_config_values_becomes_lf_at_every_depth()
    {
        var path = _workspace.Write("site.csx", Header + """

            Config["kubelet-arg"] = new[] { "a\r\nb" };
            Config["etcd-snapshot-name"] = "c\rd";
            Config["kube-apiserver-arg"] = new Dictionary<string, object> { ["k"] = "e\r\nf" };
            """);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var config = result.Model.Config;
        Assert.Equal(["a\nb"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(config["kubelet-arg"]));
        Assert.Equal("c\nd", config["etcd-snapshot-name"]);
        Assert.Equal("e\nf", Assert.IsType<Rke2Converge.Model.ConfigMap>(config["kube-apiserver-arg"])["k"]);
    }
}

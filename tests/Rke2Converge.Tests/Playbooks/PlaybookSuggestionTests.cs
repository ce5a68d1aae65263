using Rke2Converge.Playbooks;

namespace Rke2Converge.Tests.Playbooks;

/// <summary>A name the compiler does not know gets the nearest name of the playbook API.</summary>
public sealed class PlaybookSuggestionTests : IDisposable
{
    private const string Header = """Cluster("lab").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("T"));""";

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("Agnet(\"a1\", \"127.0.0.2\");", "CS0103", "The name 'Agnet' does not exist in the current context; did you mean 'Agent'?")]
    [InlineData("Agent(\"a1\", \"127.0.0.2\").Sysctll(\"vm.swappiness\", 10);", "CS1061", "did you mean 'Sysctl'?")]
    [InlineData("Role(NodeRol.Agent);", "CS0103", "did you mean 'NodeRole'?")]
    [InlineData("Role(NodeRole.Agnet);", "CS0117", "did you mean 'Agent'?")]
    [InlineData("Config[\"x\"] = Secret.FromEnvv(\"X\");", "CS1061", "did you mean 'FromEnv'?")]
    public async Task Unknown_names_get_the_nearest_playbook_name(string line, string code, string expected)
    {
        var path = _workspace.Write("site.csx", Header + "\n" + line + "\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(code, error.Code);
        Assert.EndsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public async Task A_name_far_from_every_playbook_name_gets_no_guess()
    {
        var path = _workspace.Write("site.csx", Header + "\nFrobnicateEverything();\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("CS0103", error.Code);
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }
}

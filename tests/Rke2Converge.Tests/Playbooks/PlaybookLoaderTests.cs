using Rke2Converge.Playbooks;
using Xunit;

namespace Rke2Converge.Tests.Playbooks;

public sealed class PlaybookLoaderTests : IDisposable
{
    private const string Header = """Cluster("lab").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("T"));""";

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task CompileErrorIsReportedWithFileLineAndColumn()
    {
        var path = _workspace.Write("site.csx", Header + "\nServer(\"s1\", \"127.0.0.1\")\nJoinOrder(\"s1\");\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal($"{path}(2,26): error CS1002: ; expected", error.ToString());
        Assert.Empty(_workspace.CachedAssemblies());
    }

    [Fact]
    public void DisplayedPathsAreRelativeInsideTheCurrentDirectoryElseAsGiven()
    {
        var current = Directory.GetCurrentDirectory();
        var display = PlaybookLoader.DisplayPaths("../elsewhere/site.csx", "/nowhere/site.csx");

        Assert.Equal(Path.Join("sub", "a.csx"), display(Path.Join(current, "sub", "a.csx")));
        Assert.Equal("../elsewhere/site.csx", display("/nowhere/site.csx"));
        Assert.Equal("/nowhere/lib/other.csx", display("/nowhere/lib/other.csx"));
    }

    [Fact]
    public async Task CompileErrorInsideLoadedFileNamesThatFile()
    {
        var nodes = _workspace.Write("lib/nodes.csx", "Server(\"s1\", \"127.0.0.1\");\nvar broken = ;\n");
        var path = _workspace.Write("site.csx", "#load \"lib/nodes.csx\"\n" + Header + "\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(nodes, error.File);
        Assert.Equal(2, error.Line);
        Assert.Equal(14, error.Column);
        Assert.Equal("CS1525", error.Code);
        Assert.StartsWith($"{nodes}(2,14): error CS1525: ", error.ToString());
    }

    [Fact]
    public async Task WarningsDoNotFailTheLoad()
    {
        var path = _workspace.Write("site.csx", Header + "\n#pragma warning restore\nint unused;\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public async Task LoadedFilesContributeDeclarationsWithTheirOwnLines()
    {
        _workspace.Write("lib/nodes.csx", "// servers\nServer(\"s1\", \"127.0.0.1\");\n");
        var path = _workspace.Write("site.csx", "#load \"lib/nodes.csx\"\n" + Header + "\nJoinOrder(\"s1\");\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var node = Assert.Single(result.Model.Nodes);
        Assert.Equal(Path.Join(_workspace.Root, "lib", "nodes.csx"), node.DeclaredAt?.File);
        Assert.Equal(2, node.DeclaredAt?.Line);
        Assert.Equal(path, result.Model.JoinOrderDeclaredAt?.File);
        Assert.Equal(3, result.Model.JoinOrderDeclaredAt?.Line);
    }

    [Fact]
    public async Task SecondLoadHitsTheCacheAndEditingALoadedFileRecompiles()
    {
        var nodes = _workspace.Write("lib/nodes.csx", "Server(\"s1\", \"127.0.0.1\");\n");
        var path = _workspace.Write("site.csx", "#load \"lib/nodes.csx\"\n" + Header + "\n");
        var loader = _workspace.Loader();

        var first = await loader.LoadAsync(path, CancellationToken.None);
        Assert.True(first.Succeeded, string.Join("\n", first.Diagnostics));
        Assert.False(first.CacheHit);
        var firstDll = Assert.Single(_workspace.CachedAssemblies());
        Assert.Equal(firstDll, first.CompiledAssemblyPath);
        var firstWrite = File.GetLastWriteTimeUtc(firstDll);

        var second = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        Assert.True(second.CacheHit);
        Assert.Equal(firstDll, second.CompiledAssemblyPath);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(firstDll));
        Assert.Equal("s1", Assert.Single(second.Model!.Nodes).Name);

        File.WriteAllText(nodes, "Server(\"s2\", \"127.0.0.2\");\n");
        var third = await loader.LoadAsync(path, CancellationToken.None);
        Assert.False(third.CacheHit);
        Assert.Equal("s2", Assert.Single(third.Model!.Nodes).Name);
        Assert.Equal(2, _workspace.CachedAssemblies().Length);
        Assert.NotEqual(firstDll, third.CompiledAssemblyPath);

        var fourth = await loader.LoadAsync(path, CancellationToken.None);
        Assert.True(fourth.CacheHit);
    }

    [Fact]
    public async Task CompiledPlaybookIsUnloadedAfterItRan()
    {
        var path = _workspace.Write("site.csx", Header + "\nServer(\"s1\", \"127.0.0.1\");\n");
        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var contextName = "rke2c-playbook:" + Path.GetFileNameWithoutExtension(result.CompiledAssemblyPath);

        bool Loaded() => AppDomain.CurrentDomain.GetAssemblies()
            .Any(a => System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(a)?.Name == contextName);
        var alive = Loaded();
        Assert.True(alive, "the compiled playbook should have been loaded in its own context");
        for (var attempt = 0; attempt < 20 && alive; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            alive = Loaded();
            if (alive) await Task.Delay(50);
        }

        Assert.False(alive, $"the compiled playbook in {contextName} is still loaded");
    }

    [Fact]
    public async Task RuntimeExceptionNamesTheLineNotAStackTrace()
    {
        var path = _workspace.Write("site.csx", Header + "\nServer(\"s1\", \"127.0.0.1\");\nConfig[\"weird\"] = new object();\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(path, error.File);
        Assert.Equal(3, error.Line);
        Assert.Contains("config key 'weird'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error.ToString(), StringComparison.Ordinal);
        Assert.StartsWith($"{path}:3: error: ", error.ToString());
    }

    [Fact]
    public async Task ExceptionThrownByPlaybookCodeInLoadedFileIsLocatedThroughTheStack()
    {
        var helper = _workspace.Write("lib/helper.csx", "string Pick(string[] names) =>\n    names.Single(n => n.StartsWith(\"z\"));\n");
        var path = _workspace.Write("site.csx", "#load \"lib/helper.csx\"\n" + Header + "\nvar chosen = Pick(new[] { \"a\" });\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(helper, error.File);
        Assert.Equal(2, error.Line);
        Assert.StartsWith("InvalidOperationException: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingLoadedFileIsReportedAtTheDirective()
    {
        var path = _workspace.Write("site.csx", "// lab\n#load \"lib/absent.csx\"\n" + Header + "\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((path, 2), (error.File, error.Line));
        Assert.Contains("absent.csx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPlaybookIsADiagnostic()
    {
        var result = await _workspace.Loader().LoadAsync(Path.Join(_workspace.Root, "absent.csx"), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("not found", Assert.Single(result.Diagnostics).ToString(), StringComparison.Ordinal);
    }
}

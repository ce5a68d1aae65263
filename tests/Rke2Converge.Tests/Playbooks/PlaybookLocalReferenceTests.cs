using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Rke2Converge.Playbooks;
using Xunit;

namespace Rke2Converge.Tests.Playbooks;

/// <summary><c>#r</c> of a NuGet-free assembly beside the playbook: compiled against, loaded when run, cached.</summary>
public sealed class PlaybookLocalReferenceTests : IDisposable
{
    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_local_assembly_named_by_r_compiles_runs_and_runs_again_from_the_cache()
    {
        // A unique name: the helper must come from the playbook's own file, not from anything already loaded.
        var name = "LabNaming" + Guid.NewGuid().ToString("N");
        var helper = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText($$"""public static class {{name}} { public static string Agent(int i) => $"agent-{i}"; }""")],
            Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(Path.Join(_workspace.Root, "lib"));
        var emitted = helper.Emit(Path.Join(_workspace.Root, "lib", name + ".dll"));
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var path = _workspace.Write("site.csx", $$"""
            #r "lib/{{name}}.dll"
            Cluster("lab").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("T"));
            Server({{name}}.Agent(7), "127.0.0.1");
            """);

        var first = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        var second = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(first.Succeeded, string.Join("\n", first.Diagnostics));
        Assert.False(first.CacheHit);
        Assert.True(second.Succeeded, string.Join("\n", second.Diagnostics));
        Assert.True(second.CacheHit);
        Assert.Equal("agent-7", Assert.Single(second.Model!.Nodes).Name);
    }
}

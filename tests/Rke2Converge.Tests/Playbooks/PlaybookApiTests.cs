using System.Reflection;
using Rke2Converge.Playbooks;
using Rke2Converge.Playbooks.Editor;
using Xunit;

namespace Rke2Converge.Tests.Playbooks;

/// <summary>The static playbook language editors type-check against is the one rke2c runs, member for member.</summary>
public sealed class PlaybookApiTests : IDisposable
{
    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void EveryMemberOfTheHostObjectHasAStaticTwinWithTheSameSignature()
    {
        var host = Signatures(typeof(PlaybookGlobals), BindingFlags.Public | BindingFlags.Instance, excluded: [nameof(PlaybookGlobals.ToModel)]);
        var editor = Signatures(typeof(PlaybookApi), BindingFlags.Public | BindingFlags.Static, excluded: []);

        Assert.NotEmpty(host);
        Assert.Equal(host, editor);
    }

    [Fact]
    public async Task APlaybookWithTheEditorHeaderRunsUnderRke2cEvenWithoutTheEngineCopy()
    {
        _workspace.Write("common.csx", """
            #r ".rke2c/Rke2Converge.dll"
            using static Rke2Converge.Playbooks.Editor.PlaybookApi;
            Cluster("lab").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("T"));
            """);
        var path = _workspace.Write("site.csx", """
            #r ".rke2c/Rke2Converge.dll"
            #load "common.csx"
            using Rke2Converge.Model;
            using static Rke2Converge.Playbooks.Editor.PlaybookApi;
            Server("s1", "127.0.0.1");
            Rke2Converge.Playbooks.Editor.PlaybookApi.Agent("a1", "127.0.0.2");
            Role(NodeRole.Agent).Config["node-label"] = new[] { "pool=a" };
            File("/etc/motd", "hello");
            """);

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var model = result.Model!;
        Assert.Equal("lab", model.Name);
        Assert.Equal(["s1", "a1"], model.Nodes.Select(node => node.Name));
        Assert.Equal(6, model.Nodes.Single(node => node.Name == "a1").DeclaredAt!.Line);
        Assert.Single(model.Resources);
    }

    [Fact]
    public void OutsideAPlaybookRunTheStaticLanguageSaysSo()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PlaybookApi.Server("s1", "127.0.0.1"));

        Assert.Contains("only while rke2c runs a playbook", error.Message, StringComparison.Ordinal);
    }

    private static List<string> Signatures(Type type, BindingFlags flags, string[] excluded) =>
    [
        .. type.GetMethods(flags)
            .Where(method => method.DeclaringType != typeof(object) && !method.IsSpecialName && !excluded.Contains(method.Name))
            .Select(method => $"{method.ReturnType.Name} {method.Name}({string.Join(", ", method.GetParameters().Select(p => $"{p.ParameterType.Name} {p.Name}"))})")
            .Concat(type.GetProperties(flags).Select(property => $"{property.PropertyType.Name} {property.Name}"))
            .Order(StringComparer.Ordinal),
    ];
}

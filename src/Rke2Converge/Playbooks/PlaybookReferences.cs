using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;

namespace Rke2Converge.Playbooks;

/// <summary>
/// What a playbook compiles against, taken from memory rather than from files: the framework as the reference
/// assemblies of Basic.Reference.Assemblies.Net100, and the engine (and any assembly it brings) as the metadata of the
/// copy this process runs. A single-file rke2c has neither a runtime directory nor an engine file on disk.
/// </summary>
internal static class PlaybookReferences
{
    private static readonly Lazy<PortableExecutableReference> LazyEngine = new(() =>
        FromLoaded(typeof(PlaybookGlobals).Assembly)
        ?? throw new InvalidOperationException("the engine assembly exposes no metadata to compile playbooks against"));

    public static ImmutableArray<MetadataReference> Framework => [.. Net100.References.All];

    public static PortableExecutableReference Engine => LazyEngine.Value;

    /// <summary>The engine's name as <c>#r</c> lines spell it (<c>Rke2Converge.dll</c>).</summary>
    public static string EngineFileName { get; } = typeof(PlaybookGlobals).Assembly.GetName().Name + ".dll";

    /// <summary>An assembly loaded in this process (the engine's own dependencies) that a reference names but no file provides.</summary>
    public static PortableExecutableReference? Loaded(AssemblyIdentity identity)
    {
        var match = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a =>
            !a.IsDynamic && string.Equals(a.GetName().Name, identity.Name, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : FromLoaded(match);
    }

    // The metadata stays mapped as long as the assembly is loaded; the engine and its dependencies never unload.
    private static unsafe PortableExecutableReference? FromLoaded(Assembly assembly)
    {
        if (!assembly.TryGetRawMetadata(out var blob, out var length)) return null;
        var module = ModuleMetadata.CreateFromMetadata((nint)blob, length);
        return AssemblyMetadata.Create(module).GetReference(display: assembly.GetName().Name + ".dll");
    }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Rke2Converge.Playbooks.Editor;

/// <summary>
/// Resolves a playbook's <c>#r ".../Rke2Converge.dll"</c> (the editor-support line <c>rke2c init</c> writes) to the
/// engine running it, whatever copy the path names or whether it exists, so the playbook always sees one set of types.
/// Every other reference resolves as Roslyn's script resolver would; an assembly that the engine or a <c>#r</c>'d file
/// needs and no file provides is taken from this process when it has it loaded.
/// </summary>
internal sealed class EngineReferenceResolver(MetadataReferenceResolver inner) : MetadataReferenceResolver
{
    private readonly MetadataReferenceResolver _inner = inner;

    public override ImmutableArray<PortableExecutableReference> ResolveReference(
        string reference, string? baseFilePath, MetadataReferenceProperties properties) =>
        string.Equals(Path.GetFileName(reference), PlaybookReferences.EngineFileName, StringComparison.OrdinalIgnoreCase)
            ? [PlaybookReferences.Engine.WithProperties(properties)]
            : _inner.ResolveReference(reference, baseFilePath, properties);

    public override bool ResolveMissingAssemblies => true;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        // Roslyn's resolver looks beside the file of the reference that asks; an in-memory one has no such file.
        (_inner.ResolveMissingAssemblies && definition is PortableExecutableReference { FilePath: { } file } && Path.IsPathRooted(file)
            ? _inner.ResolveMissingAssembly(definition, referenceIdentity)
            : null)
        ?? PlaybookReferences.Loaded(referenceIdentity);

    public override bool Equals(object? other) => other is EngineReferenceResolver resolver && resolver._inner.Equals(_inner);

    public override int GetHashCode() => _inner.GetHashCode();
}

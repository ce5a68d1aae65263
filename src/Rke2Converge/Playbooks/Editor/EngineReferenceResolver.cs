using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Rke2Converge.Playbooks.Editor;

/// <summary>
/// Resolves a playbook's <c>#r ".../Rke2Converge.dll"</c> (the editor-support line <c>rke2c init</c> writes) to the
/// engine running it, whatever copy the path names or whether it exists, so the playbook always sees one set of types.
/// Every other reference resolves as Roslyn's script resolver would.
/// </summary>
internal sealed class EngineReferenceResolver(MetadataReferenceResolver inner) : MetadataReferenceResolver
{
    private readonly MetadataReferenceResolver _inner = inner;

    private static readonly string EngineFileName = Path.GetFileName(typeof(PlaybookGlobals).Assembly.Location);

    public override ImmutableArray<PortableExecutableReference> ResolveReference(
        string reference, string? baseFilePath, MetadataReferenceProperties properties) =>
        string.Equals(Path.GetFileName(reference), EngineFileName, StringComparison.OrdinalIgnoreCase)
            ? [MetadataReference.CreateFromFile(typeof(PlaybookGlobals).Assembly.Location, properties)]
            : _inner.ResolveReference(reference, baseFilePath, properties);

    public override bool ResolveMissingAssemblies => _inner.ResolveMissingAssemblies;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        _inner.ResolveMissingAssembly(definition, referenceIdentity);

    public override bool Equals(object? other) => other is EngineReferenceResolver resolver && resolver._inner.Equals(_inner);

    public override int GetHashCode() => _inner.GetHashCode();
}

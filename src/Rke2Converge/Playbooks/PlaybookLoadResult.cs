using System.Diagnostics.CodeAnalysis;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>Either the declared model or the reasons there is none; and whether a cached compilation was used.</summary>
internal sealed record PlaybookLoadResult
{
    public ClusterModel? Model { get; init; }

    public IReadOnlyList<PlaybookDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>True when the playbook ran from a compiled assembly already in the cache, without compiling.</summary>
    public bool CacheHit { get; init; }

    /// <summary>The compiled assembly in the cache (set once compilation succeeded or was found).</summary>
    public string? CompiledAssemblyPath { get; init; }

    [MemberNotNullWhen(true, nameof(Model))]
    public bool Succeeded => Model is not null;
}

using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Text;
using Rke2Converge.Playbooks.Editor;

namespace Rke2Converge.Playbooks;

/// <summary>A playbook compiled to an assembly: its image, its debug symbols and how to start it.</summary>
internal sealed record CompiledPlaybook(byte[] Assembly, byte[] Symbols, PlaybookEntryPoint EntryPoint);

/// <summary>
/// The submission factory Roslyn generates for a script (<c>Submission#0.&lt;Factory&gt;</c>), and the full paths of
/// the assemblies its <c>#r</c> lines named, which the run loads from those files.
/// </summary>
internal sealed record PlaybookEntryPoint(string TypeName, string MethodName, IReadOnlyList<string>? LocalReferences = null);

/// <summary>Compiles a playbook with Roslyn scripting against <see cref="PlaybookGlobals"/>.</summary>
internal static class PlaybookCompiler
{
    private const string SubmissionTypeName = "Submission#0";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    public static readonly ImmutableArray<string> DefaultImports =
        ["System", "System.Linq", "System.Collections.Generic", "Rke2Converge.Model", "Rke2Converge.Playbooks", "Rke2Converge.Playbooks.Inventories"];

    /// <summary>Either the compiled playbook or the compiler's errors (warnings are dropped), as users see them.</summary>
    /// <remarks>No Roslyn type appears in this signature, so a cache hit never loads the compiler.</remarks>
    public static (CompiledPlaybook? Compiled, IReadOnlyList<PlaybookDiagnostic> Errors) Compile(
        string mainFile, string code, Func<string, string> displayPath, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(mainFile) ?? "/";
        // What CSharpScript.Create would build, minus its references read from the runtime's files (see PlaybookReferences).
        var tree = CSharpSyntaxTree.ParseText(SourceText.From(code, Encoding.UTF8), ParseOptions, mainFile, ct);
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            scriptClassName: SubmissionTypeName,
            usings: DefaultImports,
            optimizationLevel: OptimizationLevel.Debug,
            allowUnsafe: true,
            sourceReferenceResolver: new SourceFileResolver(ImmutableArray<string>.Empty, directory),
            metadataReferenceResolver: new EngineReferenceResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory)),
            assemblyIdentityComparer: DesktopAssemblyIdentityComparer.Default);
        var compilation = CSharpCompilation.CreateScriptCompilation(
            $"rke2c-playbook-{Guid.NewGuid():N}", tree, [.. PlaybookReferences.Framework, PlaybookReferences.Engine], options,
            previousScriptCompilation: null, returnType: typeof(PlaybookValue), globalsType: typeof(PlaybookGlobals));
        var exits = ProcessExitCheck.Find(compilation, displayPath, ct);
        if (exits.Count > 0) return (null, exits);

        using var assembly = new MemoryStream();
        using var symbols = new MemoryStream();
        var emitted = compilation.Emit(
            assembly, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb), cancellationToken: ct);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!emitted.Success || errors.Count > 0) return (null, [.. errors.Select(e => ToPlaybookDiagnostic(e, displayPath, PlaybookSuggestions.For(e, compilation)))]);

        var entry = compilation.GetEntryPoint(ct)
            ?? throw new InvalidOperationException("the compiled playbook has no entry point");
        var type = entry.ContainingType;
        var typeName = type.ContainingNamespace is { IsGlobalNamespace: false } ns
            ? $"{ns.ToDisplayString()}.{type.MetadataName}"
            : type.MetadataName;
        // The engine and the framework come from memory (no path); a #r'd file has its full path.
        var local = compilation.DirectiveReferences.OfType<PortableExecutableReference>()
            .Select(r => r.FilePath).OfType<string>().Where(Path.IsPathRooted).Distinct(StringComparer.Ordinal).ToList();
        return (new CompiledPlaybook(assembly.ToArray(), symbols.ToArray(), new PlaybookEntryPoint(typeName, entry.MetadataName, local)), []);
    }

    /// <summary>A compiler diagnostic as the user sees it, with 1-based line and column in the file it belongs to.</summary>
    private static PlaybookDiagnostic ToPlaybookDiagnostic(Diagnostic diagnostic, Func<string, string> displayPath, string? suggestion)
    {
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture) + suggestion;
        if (!diagnostic.Location.IsInSource && diagnostic.Location.Kind != LocationKind.ExternalFile)
        {
            return new PlaybookDiagnostic(null, null, null, diagnostic.Id, message);
        }
        var span = diagnostic.Location.GetMappedLineSpan();
        var file = string.IsNullOrEmpty(span.Path) ? null : displayPath(span.Path);
        return new PlaybookDiagnostic(file, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, diagnostic.Id, message);
    }
}

using System.Collections.Immutable;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Scripting;

namespace Rke2Converge.Tests.Playbooks.Language;

/// <summary>
/// The playbook language as an editor sees it: Rke2Converge.dll read through Roslyn with its XML documentation
/// (read as Roslyn's XmlDocumentationProvider.CreateFromFile reads it, which lives in the Workspaces package OmniSharp
/// brings and these tests do not), the public types and members, and each member's documentation with
/// <c>inheritdoc</c> followed to the documented member, as the editor's hover does.
/// </summary>
internal sealed class LanguageSymbols
{
    private LanguageSymbols(CSharpCompilation compilation, IAssemblySymbol engine)
    {
        Compilation = compilation;
        Engine = engine;
    }

    public CSharpCompilation Compilation { get; }

    public IAssemblySymbol Engine { get; }

    /// <summary>A compilation of <paramref name="scripts"/> (as scripts, the way OmniSharp compiles a .csx) against the engine at <paramref name="enginePath"/>.</summary>
    public static LanguageSymbols Load(string enginePath, params (string Path, string Text)[] scripts)
    {
        var documentation = Path.ChangeExtension(enginePath, ".xml");
        Assert.True(File.Exists(documentation), $"no XML documentation beside {enginePath}: the editor would show no help");
        var runtime = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var engine = MetadataReference.CreateFromFile(enginePath, documentation: new DocumentationFile(documentation));
        var baseDirectory = scripts.Length > 0 ? Path.GetDirectoryName(scripts[0].Path)! : AppContext.BaseDirectory;
        var trees = scripts.Select(script => CSharpSyntaxTree.ParseText(script.Text,
            new CSharpParseOptions(kind: SourceCodeKind.Script), script.Path));
        var compilation = CSharpCompilation.CreateScriptCompilation("playbook", trees.FirstOrDefault(), [engine, .. runtime],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithMetadataReferenceResolver(ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory))
                .WithSourceReferenceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, baseDirectory)));
        var assembly = (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(engine)!;
        return new LanguageSymbols(compilation, assembly);
    }

    /// <summary>Every public type of the engine, by full name.</summary>
    public IReadOnlyList<INamedTypeSymbol> PublicTypes() =>
        [.. Types(Engine.GlobalNamespace).Where(type => type.DeclaredAccessibility == Accessibility.Public && IsVisible(type))
            .OrderBy(type => type.ToDisplayString(), StringComparer.Ordinal)];

    /// <summary>A type's own public members a playbook can call, as declared (no accessors, no compiler-made record members).</summary>
    public static IReadOnlyList<ISymbol> Members(INamedTypeSymbol type) =>
        [.. type.GetMembers().Where(member => member.DeclaredAccessibility == Accessibility.Public && !member.IsImplicitlyDeclared
            && member is not IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove }
            && member is not INamedTypeSymbol && !IsRecordMachinery(type, member))];

    /// <summary>What the compiler writes into a record (equality, printing, cloning, deconstruction, its positional properties).</summary>
    private static bool IsRecordMachinery(INamedTypeSymbol type, ISymbol member) =>
        type.IsRecord && (member.GetAttributes().Any(a => a.AttributeClass?.Name == "CompilerGeneratedAttribute")
            || member.Name is "ToString" or "GetHashCode" or "Equals" or "Deconstruct" or "op_Equality" or "op_Inequality" or "<Clone>$" or "EqualityContract"
            || (member is IPropertySymbol && type.InstanceConstructors.Any(c => c.Parameters.Any(p => p.Name == member.Name))));

    /// <summary>The documentation an editor shows for <paramref name="symbol"/>: its own, or the one its <c>inheritdoc cref</c> names.</summary>
    public XElement? Documentation(ISymbol symbol)
    {
        for (var hops = 0; hops < 5; hops++)
        {
            var xml = symbol.GetDocumentationCommentXml();
            if (string.IsNullOrWhiteSpace(xml)) return null;
            var element = XElement.Parse(xml);
            var inherit = element.Element("inheritdoc");
            if (inherit is null) return element;
            var cref = (string?)inherit.Attribute("cref");
            var target = cref is null ? null : DocumentationCommentId.GetFirstSymbolForDeclarationId(cref, Compilation);
            if (target is null) return null;
            symbol = target;
        }
        return null;
    }

    /// <summary>The summary's text, or null when the symbol has none an editor could show.</summary>
    public string? Summary(ISymbol symbol) =>
        Documentation(symbol)?.Element("summary") is { } summary && !string.IsNullOrWhiteSpace(summary.Value) ? summary.Value.Trim() : null;

    private static bool IsVisible(INamedTypeSymbol type) =>
        type.ContainingType is null || (type.ContainingType.DeclaredAccessibility == Accessibility.Public && IsVisible(type.ContainingType));

    private static IEnumerable<INamedTypeSymbol> Types(INamespaceOrTypeSymbol scope)
    {
        foreach (var member in scope.GetMembers())
        {
            if (member is INamespaceSymbol ns) foreach (var type in Types(ns)) yield return type;
            if (member is INamedTypeSymbol named)
            {
                yield return named;
                foreach (var nested in Types(named)) yield return nested;
            }
        }
    }

    /// <summary>Where the repository is: the directory holding Rke2Converge.sln above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Rke2Converge.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no Rke2Converge.sln above {AppContext.BaseDirectory}");
    }

    public static readonly ImmutableArray<string> CallerInfo = ["CallerFilePathAttribute", "CallerLineNumberAttribute", "CallerMemberNameAttribute"];
}

/// <summary>An XML documentation file as a Roslyn documentation provider: the member element for each documentation ID.</summary>
internal sealed class DocumentationFile : DocumentationProvider
{
    private readonly string _path;
    private readonly Dictionary<string, string> _members;

    public DocumentationFile(string path)
    {
        _path = path;
        _members = XDocument.Load(path).Descendants("member")
            .Where(member => member.Attribute("name") is not null)
            .GroupBy(member => (string)member.Attribute("name")!)
            .ToDictionary(group => group.Key, group => group.First().ToString(), StringComparer.Ordinal);
    }

    protected override string? GetDocumentationForSymbol(string documentationMemberID, System.Globalization.CultureInfo preferredCulture, CancellationToken cancellationToken = default) =>
        _members.GetValueOrDefault(documentationMemberID);

    public override bool Equals(object? obj) => obj is DocumentationFile other && other._path == _path;

    public override int GetHashCode() => _path.GetHashCode(StringComparison.Ordinal);
}

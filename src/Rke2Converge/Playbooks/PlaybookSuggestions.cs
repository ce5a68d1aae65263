using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rke2Converge.Model.Validation;

namespace Rke2Converge.Playbooks;

/// <summary>
/// "did you mean" for a name the compiler does not know (CS0103, CS1061, CS0117): the nearest public member of the
/// playbook API (the globals, or the type the member was looked up on) or type of its namespaces.
/// </summary>
internal static class PlaybookSuggestions
{
    private static readonly HashSet<string> Codes = new(["CS0103", "CS1061", "CS0117"], StringComparer.Ordinal);

    private static readonly string[] ApiNamespaces = ["Rke2Converge.Playbooks", "Rke2Converge.Model"];

    /// <summary>The suffix to add to the compiler's message ("; did you mean 'Agent'?"), or null when nothing is near.</summary>
    public static string? For(Diagnostic diagnostic, Compilation compilation)
    {
        if (!Codes.Contains(diagnostic.Id) || diagnostic.Location.SourceTree is not { } tree) return null;
        var node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node is not SimpleNameSyntax name) return null;
        var candidates = diagnostic.Id == "CS0103" ? GlobalNames(compilation) : MemberNames(name, compilation);
        var nearest = Nearest(name.Identifier.ValueText, candidates);
        return nearest.Count == 0 ? null : $"; did you mean {string.Join(" or ", nearest.Select(n => $"'{n}'"))}?";
    }

    /// <summary>The candidates nearest to <paramref name="wanted"/>, ignoring case, if any is within a typo's reach.</summary>
    public static IReadOnlyList<string> Nearest(string wanted, IEnumerable<string> candidates, int max = 3)
    {
        var lower = wanted.ToLowerInvariant();
        var limit = Math.Max(2, wanted.Length / 4);
        var near = candidates
            .Distinct(StringComparer.Ordinal)
            .Where(candidate => candidate != wanted)
            .Select(candidate => (Candidate: candidate, Distance: EditDistance.Between(lower, candidate.ToLowerInvariant())))
            .Where(c => c.Distance <= limit)
            .ToList();
        if (near.Count == 0) return [];
        var best = near.Min(c => c.Distance);
        return [.. near.Where(c => c.Distance == best).Select(c => c.Candidate).Order(StringComparer.Ordinal).Take(max)];
    }

    private static IEnumerable<string> GlobalNames(Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName(typeof(PlaybookGlobals).FullName!) is not { } globals) return [];
        var types = ApiNamespaces
            .Select(ns => Find(globals.ContainingAssembly.GlobalNamespace, ns))
            .OfType<INamespaceSymbol>()
            .SelectMany(ns => ns.GetTypeMembers())
            .Where(type => type.DeclaredAccessibility == Accessibility.Public)
            .Select(type => type.Name);
        return PublicMemberNames(globals).Concat(types);
    }

    private static IEnumerable<string> MemberNames(SimpleNameSyntax name, Compilation compilation)
    {
        if (name.Parent is not MemberAccessExpressionSyntax access || access.Name != name) return [];
        var model = compilation.GetSemanticModel(name.SyntaxTree);
        var receiver = model.GetTypeInfo(access.Expression).Type ?? model.GetSymbolInfo(access.Expression).Symbol as ITypeSymbol;
        if (receiver is null || receiver.ContainingNamespace?.ToDisplayString() is not { } ns || !ApiNamespaces.Contains(ns, StringComparer.Ordinal)) return [];
        return PublicMemberNames(receiver);
    }

    private static IEnumerable<string> PublicMemberNames(ITypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member.DeclaredAccessibility != Accessibility.Public || !member.CanBeReferencedByName) continue;
                if (member is IMethodSymbol { MethodKind: not MethodKind.Ordinary }) continue;
                yield return member.Name;
            }
        }
    }

    private static INamespaceSymbol? Find(INamespaceSymbol root, string dotted) =>
        dotted.Split('.').Aggregate<string, INamespaceSymbol?>(root, (ns, part) => ns?.GetNamespaceMembers().FirstOrDefault(n => n.Name == part));
}

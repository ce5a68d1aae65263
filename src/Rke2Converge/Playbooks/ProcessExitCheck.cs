using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Rke2Converge.Playbooks;

/// <summary>
/// A playbook runs inside rke2c's own process: <c>Environment.Exit(0)</c> there would end rke2c with exit code 0 and no
/// verdict, so <c>validate</c> would pass a playbook it never checked. Every reference to a method that ends the process
/// (called, or taken as a delegate) is refused at compile time, at its file and line.
/// </summary>
internal static class ProcessExitCheck
{
    private static readonly (string Type, string Method)[] Forbidden =
    [
        ("System.Environment", "Exit"),
        ("System.Environment", "FailFast"),
        ("System.Diagnostics.Process", "Kill"),
    ];

    public static IReadOnlyList<PlaybookDiagnostic> Find(Compilation compilation, Func<string, string> displayPath, CancellationToken ct)
    {
        var found = new List<PlaybookDiagnostic>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot(ct).DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var info = model.GetSymbolInfo(name, ct);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                if (symbol is not IMethodSymbol method || !IsForbidden(method)) continue;
                var span = name.GetLocation().GetMappedLineSpan();
                var file = string.IsNullOrEmpty(span.Path) ? null : displayPath(span.Path);
                found.Add(new PlaybookDiagnostic(file, span.StartLinePosition.Line + 1, null, null,
                    $"{method.ContainingType.Name}.{method.Name} would end rke2c itself, not just the playbook: " +
                    "a playbook declares the cluster and returns; throw an exception to stop with an error"));
            }
        }
        return found;
    }

    private static bool IsForbidden(IMethodSymbol method)
    {
        var type = method.ContainingType?.ToDisplayString();
        return Forbidden.Any(forbidden => forbidden.Type == type && forbidden.Method == method.Name);
    }
}

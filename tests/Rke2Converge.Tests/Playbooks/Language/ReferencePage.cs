using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace Rke2Converge.Tests.Playbooks.Language;

/// <summary>docs/reference/playbook-api.md: every public type and member of the playbook language with its documentation.</summary>
internal static partial class ReferencePage
{
    public const string RelativePath = "docs/reference/playbook-api.md";

    private static readonly SymbolDisplayFormat Signature = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeModifiers,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName | SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string Render(LanguageSymbols symbols)
    {
        var page = new StringBuilder();
        page.Append("""
            # Playbook language reference

            <!-- Generated from the engine's XML documentation by tests/Rke2Converge.Tests/Playbooks/Language; do not edit.
                 Regenerate with tools/approve-playbook-language.sh (docs/architecture.md, "The playbook language"). -->

            Every public type of `Rke2Converge.dll` is part of the playbook language: a playbook (`.csx`) calls the members of
            `PlaybookGlobals` by name (`Cluster(...)`, `Server(...)`, `File(...)`), and the objects they return. The editor
            sees the same members through `PlaybookApi` (see [the playbook guide](../playbook.md)). Parameters a playbook never
            writes (the calling file and line, filled in by the compiler) are left out.

            """);
        foreach (var type in symbols.PublicTypes().Where(type => type.Name != "PlaybookApi"))
        {
            page.Append('\n').Append("## ").Append(Kind(type)).Append(' ').Append('`').Append(type.ToDisplayString()).Append("`\n\n");
            AppendDocumentation(page, symbols.Documentation(type));
            foreach (var member in LanguageSymbols.Members(type))
            {
                page.Append("### `").Append(Display(member)).Append("`\n\n");
                AppendDocumentation(page, symbols.Documentation(member));
            }
        }
        return page.ToString().TrimEnd() + "\n";
    }

    private static string Kind(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Enum => "enum",
        TypeKind.Interface => "interface",
        _ => type.IsRecord ? "record" : "class",
    };

    private static string Display(ISymbol member)
    {
        if (member is IMethodSymbol method)
        {
            var parameters = method.Parameters.Where(p => !p.GetAttributes().Any(a => LanguageSymbols.CallerInfo.Contains(a.AttributeClass?.Name ?? "")))
                .Select(p => p.ToDisplayString(Signature));
            var name = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
            var prefix = method.IsStatic ? "static " : "";
            var returns = method.MethodKind == MethodKind.Constructor ? "" : method.ReturnType.ToDisplayString(Signature) + " ";
            return $"{prefix}{returns}{name}({string.Join(", ", parameters)})";
        }
        if (member is IPropertySymbol { IsIndexer: true } indexer)
        {
            var parameters = indexer.Parameters.Where(p => !p.GetAttributes().Any(a => LanguageSymbols.CallerInfo.Contains(a.AttributeClass?.Name ?? "")))
                .Select(p => p.ToDisplayString(Signature));
            return $"{indexer.Type.ToDisplayString(Signature)} this[{string.Join(", ", parameters)}]";
        }
        return member.ToDisplayString(Signature);
    }

    private static void AppendDocumentation(StringBuilder page, XElement? documentation)
    {
        if (documentation is null) return;
        foreach (var part in new[] { "summary", "remarks", "returns" })
        {
            if (documentation.Element(part) is { } element) page.Append(Text(element)).Append("\n\n");
        }
        foreach (var parameter in documentation.Elements("param"))
        {
            page.Append("- `").Append((string?)parameter.Attribute("name")).Append("`: ").Append(Text(parameter)).Append('\n');
        }
        if (documentation.Elements("param").Any()) page.Append('\n');
        foreach (var example in documentation.Elements("example"))
        {
            var code = example.Element("code");
            if (code is null) continue;
            page.Append("```csharp\n").Append(Dedent(code.Value)).Append("\n```\n\n");
        }
    }

    private static string Text(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            text.Append(node switch
            {
                XText plain => Spaces().Replace(plain.Value, " "),
                XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
                XElement { Name.LocalName: "paramref" or "typeparamref" } reference => $"`{(string?)reference.Attribute("name")}`",
                XElement { Name.LocalName: "see" } see => $"`{CrefName((string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? "")}`",
                XElement { Name.LocalName: "code" } block => $"\n\n```csharp\n{Dedent(block.Value)}\n```\n\n",
                XElement { Name.LocalName: "para" } para => "\n\n" + Text(para) + "\n\n",
                XElement other => Text(other),
                _ => "",
            });
        }
        return WebUtility.HtmlDecode(text.ToString()).Trim();
    }

    /// <summary><c>M:Rke2Converge.Playbooks.PlaybookSecrets.FromEnv(System.String)</c> → <c>PlaybookSecrets.FromEnv</c>.</summary>
    private static string CrefName(string cref)
    {
        var name = cref.Contains(':', StringComparison.Ordinal) ? cref[(cref.IndexOf(':', StringComparison.Ordinal) + 1)..] : cref;
        var parenthesis = name.IndexOf('(', StringComparison.Ordinal);
        if (parenthesis >= 0) name = name[..parenthesis];
        var parts = name.Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }

    private static string Dedent(string code)
    {
        var lines = code.Replace("\r", "", StringComparison.Ordinal).Split('\n').SkipWhile(string.IsNullOrWhiteSpace).Reverse().SkipWhile(string.IsNullOrWhiteSpace).Reverse().ToList();
        var indent = lines.Where(line => line.Trim().Length > 0).Select(line => line.Length - line.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(line => line.Length >= indent ? line[indent..] : line.TrimStart()));
    }

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}

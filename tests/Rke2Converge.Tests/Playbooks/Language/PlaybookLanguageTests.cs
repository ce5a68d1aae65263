using Microsoft.CodeAnalysis;
using PublicApiGenerator;
using Rke2Converge.Cli.Scaffold;
using Rke2Converge.Playbooks;
using Rke2Converge.Playbooks.Editor;

namespace Rke2Converge.Tests.Playbooks.Language;

/// <summary>
/// The playbook language is controlled: its public API is an approved file, every member is documented where an
/// editor finds it, and the reference page is generated from that documentation. With RKE2C_APPROVE=1
/// (tools/approve-playbook-language.sh) the two committed files are rewritten instead of compared.
/// </summary>
public sealed class PlaybookLanguageTests
{
    private const string ApprovedApi = "tests/Rke2Converge.Tests/Playbooks/Language/Rke2Converge.approved.txt";
    private const string Regenerate = "tools/approve-playbook-language.sh";

    private static readonly bool Approving = Environment.GetEnvironmentVariable("RKE2C_APPROVE") == "1";

    private static string EnginePath => typeof(PlaybookGlobals).Assembly.Location;

    [Fact]
    public void The_public_API_of_the_engine_is_the_approved_playbook_language()
    {
        var actual = typeof(PlaybookGlobals).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });
        CompareOrApprove(ApprovedApi, actual,
            "The public API of Rke2Converge.dll (the playbook language) is not the approved one.");
    }

    [Fact]
    public void The_reference_page_is_generated_from_the_current_documentation()
    {
        CompareOrApprove(ReferencePage.RelativePath, ReferencePage.Render(LanguageSymbols.Load(EnginePath)),
            $"{ReferencePage.RelativePath} is stale: it no longer matches the engine's XML documentation.");
    }

    [Fact]
    public void Every_public_type_and_member_has_documentation_an_editor_shows()
    {
        var symbols = LanguageSymbols.Load(EnginePath);
        var types = symbols.PublicTypes();
        Assert.Contains(types, type => type.Name == nameof(PlaybookGlobals));
        var undocumented = types.Where(type => symbols.Summary(type) is null).Select(type => type.ToDisplayString())
            .Concat(types.SelectMany(LanguageSymbols.Members).Where(member => symbols.Summary(member) is null).Select(member => member.ToDisplayString()))
            .ToList();
        Assert.True(undocumented.Count == 0, "no documentation for: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void Every_playbook_member_carries_an_example()
    {
        var symbols = LanguageSymbols.Load(EnginePath);
        var globals = symbols.PublicTypes().Single(type => type.Name == nameof(PlaybookGlobals));
        var scope = symbols.PublicTypes().Single(type => type.Name == nameof(ResourceScope));
        var missing = LanguageSymbols.Members(globals).Concat(LanguageSymbols.Members(scope))
            .Where(member => symbols.Documentation(member)?.Element("example")?.Element("code") is null)
            .Select(member => member.ToDisplayString()).ToList();
        Assert.True(missing.Count == 0, "no <example><code> for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Init_ships_the_documentation_and_the_scaffold_compiled_as_the_editor_does_shows_every_playbook_member_documented()
    {
        var directory = Directory.CreateTempSubdirectory("rke2c-language-");
        try
        {
            PlaybookScaffold.WriteTo(directory.FullName);
            var engine = Path.Combine(directory.FullName, EditorEngineCopy.WriteTo(directory.FullName));
            Assert.True(File.Exists(Path.ChangeExtension(engine, ".xml")), "rke2c init wrote no Rke2Converge.xml beside the editor's copy of the engine");

            var site = Path.Combine(directory.FullName, "site.csx");
            var symbols = LanguageSymbols.Load(engine, (site, File.ReadAllText(site)));
            var errors = symbols.Compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, "the scaffold does not compile as the editor sees it: " + string.Join("; ", errors));

            var api = symbols.PublicTypes().Single(type => type.Name == nameof(PlaybookApi));
            var members = LanguageSymbols.Members(api).Where(member => member.IsStatic).ToList();
            Assert.True(members.Count >= 30, $"PlaybookApi has {members.Count} members");
            var undocumented = members.Where(member => symbols.Summary(member) is null).Select(member => member.ToDisplayString()).ToList();
            Assert.True(undocumented.Count == 0, "hover would show nothing for: " + string.Join(", ", undocumented));

            // The calls the scaffold makes resolve to documented members, as hovering over them in the editor would show.
            var tree = symbols.Compilation.SyntaxTrees.Single(t => t.FilePath == site);
            var model = symbols.Compilation.GetSemanticModel(tree);
            var invoked = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>()
                .Select(call => model.GetSymbolInfo(call).Symbol).OfType<Microsoft.CodeAnalysis.IMethodSymbol>()
                .Where(method => method.ContainingAssembly.Name == symbols.Engine.Name).ToList();
            Assert.NotEmpty(invoked);
            Assert.All(invoked, method => Assert.False(symbols.Summary(method) is null, $"no documentation for {method} at hover"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void CompareOrApprove(string relativePath, string actual, string problem)
    {
        var path = Path.Combine(LanguageSymbols.RepositoryRoot(), relativePath);
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Approving)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        var approved = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : "";
        if (approved == actual) return;
        Assert.Fail($"""
            {problem}
            Review the difference below; if the change to the playbook language is intended, document every new member
            (summary, defaults, an <example>), then run

                {Regenerate}

            and commit {ApprovedApi} and {ReferencePage.RelativePath} with the change (docs/architecture.md, "The playbook language").

            {Difference(approved, actual)}
            """);
    }

    /// <summary>The lines only in one of the two texts, marked - (approved) and + (now), at most 60.</summary>
    private static string Difference(string approved, string actual)
    {
        var before = approved.Split('\n');
        var after = actual.Split('\n');
        var removed = before.Except(after).Select(line => "- " + line);
        var added = after.Except(before).Select(line => "+ " + line);
        return string.Join('\n', removed.Concat(added).Take(60));
    }
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;
using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Cli;

/// <summary><c>rke2c init</c> and <c>rke2c completion</c>, run as a user would. No lab.</summary>
public sealed class InitAndCompletionTests
{
    [Fact]
    public async Task Init_scaffolds_a_playbook_that_validates_and_never_overwrites_a_file()
    {
        var rke2c = new Rke2cDriver("init");
        var mine = "Cluster(\"mine\");\n";
        Directory.CreateDirectory(Path.Combine(rke2c.WorkDirectory, "kept"));
        File.WriteAllText(Path.Combine(rke2c.WorkDirectory, "kept", "common.csx"), mine);

        var fresh = await rke2c.RunAsync("init", "cluster");
        var validate = await rke2c.RunAsync("validate", "cluster/site.csx");
        var again = await rke2c.RunAsync("init", "cluster");
        var beside = await rke2c.RunAsync("init", "kept");

        Assert.True(fresh.Exit == 0, fresh.ToString());
        foreach (var file in new[] { "site.csx", "common.csx", "known_hosts", ".gitignore", "templates/README.md" })
        {
            Assert.True(File.Exists(Path.Combine(rke2c.WorkDirectory, "cluster", file)), file);
            Assert.Contains($"created cluster/{file}", fresh.Stdout, StringComparison.Ordinal);
        }
        Assert.StartsWith("// ", File.ReadAllText(Path.Combine(rke2c.WorkDirectory, "cluster", "site.csx")), StringComparison.Ordinal);
        Assert.Contains("#load \"common.csx\"", File.ReadAllText(Path.Combine(rke2c.WorkDirectory, "cluster", "site.csx")), StringComparison.Ordinal);
        Assert.Contains("ssh-keyscan", File.ReadAllText(Path.Combine(rke2c.WorkDirectory, "cluster", "known_hosts")), StringComparison.Ordinal);
        Assert.True(validate.Exit == 0, validate.ToString());
        Assert.Contains("cluster/site.csx: cluster my-cluster, 4 node(s), valid", validate.Stdout, StringComparison.Ordinal);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.DoesNotContain("created", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("kept    cluster/site.csx (exists)", again.Stdout, StringComparison.Ordinal);
        Assert.True(beside.Exit == 0, beside.ToString());
        Assert.Contains("kept    kept/common.csx (exists)", beside.Stdout, StringComparison.Ordinal);
        Assert.Equal(mine, File.ReadAllText(Path.Combine(rke2c.WorkDirectory, "kept", "common.csx")));
    }

    [Fact]
    public async Task Init_gives_editors_the_playbook_language_and_the_errors_validate_reports()
    {
        var rke2c = new Rke2cDriver("init-editor");
        var init = await rke2c.RunAsync("init", "cluster");
        var directory = Path.Combine(rke2c.WorkDirectory, "cluster");
        var site = Path.Combine(directory, "site.csx");
        File.AppendAllText(Path.Combine(directory, "common.csx"), """
            Role(NodeRole.Server).Config["tls-san"] = new[] { "k8s.example.com" };
            File("/etc/motd", "managed by rke2c\n");
            Directory("/srv/data");

            """);

        var clean = EditorErrors(site);
        File.WriteAllText(site, File.ReadAllText(site).Replace("Agent(\"agent-1\"", "Agnet(\"agent-1\"", StringComparison.Ordinal));
        var typo = EditorErrors(site);
        var validate = await rke2c.RunAsync("validate", "cluster/site.csx");

        Assert.True(init.Exit == 0, init.ToString());
        Assert.Contains("wrote   cluster/.rke2c/Rke2Converge.dll", init.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory, "omnisharp.json")));
        Assert.Contains("useOmnisharp", File.ReadAllText(Path.Combine(directory, ".vscode", "settings.json")), StringComparison.Ordinal);
        Assert.Empty(clean);
        var error = Assert.Single(typo);
        var line = error.Location.GetLineSpan().StartLinePosition;
        Assert.Equal("CS0103", error.Id);
        Assert.Contains($"site.csx({line.Line + 1},{line.Character + 1}): error CS0103: The name 'Agnet' does not exist in the current context",
            validate.Stderr + validate.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// The playbook checked the way an editor's script support (OmniSharp) checks a .csx: its own default imports and
    /// host object, references from the file's #r lines (here the engine copy init wrote), nothing from rke2c.
    /// </summary>
    private static List<Diagnostic> EditorErrors(string playbook)
    {
        string[] omniSharpImports =
        [
            "System", "System.IO", "System.Collections.Generic", "System.Console", "System.Diagnostics", "System.Dynamic",
            "System.Linq", "System.Linq.Expressions", "System.Net.Http", "System.Text", "System.Threading.Tasks",
        ];
        var directory = Path.GetDirectoryName(playbook)!;
        var options = ScriptOptions.Default
            .WithFilePath(playbook)
            .WithImports(omniSharpImports)
            .WithSourceResolver(new SourceFileResolver([], directory))
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory));
        var script = CSharpScript.Create(File.ReadAllText(playbook), options, typeof(CommandLineScriptGlobals));
        return [.. script.Compile().Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error)];
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public async Task Completion_prints_a_script_that_asks_rke2c_and_the_shell_accepts(string shell)
    {
        var rke2c = new Rke2cDriver($"completion-{shell}");

        var script = await rke2c.RunAsync("completion", shell);

        Assert.True(script.Exit == 0, script.ToString());
        Assert.Contains("rke2c \"[suggest:", script.Stdout, StringComparison.Ordinal);
        Assert.Contains($"rke2c completion {shell}", script.Stdout, StringComparison.Ordinal);
        var path = Path.Combine(rke2c.WorkDirectory, $"rke2c.{shell}");
        File.WriteAllText(path, script.Stdout);
        // bash is always here; zsh and fish are checked where they are installed.
        if (shell != "bash" && !OnPath(shell)) return;
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(shell, ["-n", path], TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, $"{shell} -n: exit {exit}\n{stdout}\n{stderr}");
    }

    [Fact]
    public async Task Bash_completes_commands_and_option_values_from_rke2c_itself()
    {
        var rke2c = new Rke2cDriver("completion-run");
        var empty = Directory.CreateDirectory(Path.Combine(rke2c.WorkDirectory, "empty")).FullName;
        const string Complete = """
            rke2c() { dotnet "$RKE2C_DLL" "$@"; }
            source <(rke2c completion bash)
            complete_at() { COMP_LINE="$1"; COMP_POINT=${#1}; read -ra COMP_WORDS <<< "$1"; [[ "$1" == *' ' ]] && COMP_WORDS+=(""); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _rke2c_complete; echo "$1 => ${COMPREPLY[*]}"; }
            complete_at "rke2c pl"
            complete_at "rke2c plan --output "
            complete_at "rke2c completion f"
            """;
        var environment = new Dictionary<string, string?> { ["RKE2C_DLL"] = Rke2cDriver.Rke2cDll };

        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(
            "bash", ["-c", Complete], TimeSpan.FromMinutes(2), environment: environment, workingDirectory: empty);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("rke2c pl => plan\n", stdout, StringComparison.Ordinal);
        Assert.Contains("rke2c plan --output  => json text\n", stdout, StringComparison.Ordinal);
        Assert.Contains("rke2c completion f => fish\n", stdout, StringComparison.Ordinal);
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, program)));
}

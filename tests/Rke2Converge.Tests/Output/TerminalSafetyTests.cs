using System.Runtime.Versioning;
using Rke2Converge.Cli.Output;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Plan.Limit;
using Rke2Converge.Plan.Rendering;
using Rke2Converge.Resources;
using Rke2Converge.Rollout;
using Rke2Converge.Tests.Resources;
using Spectre.Console;

namespace Rke2Converge.Tests.Output;

/// <summary>
/// Hostile text from a host or a playbook (escape sequences, an OSC title, CR, bidi overrides, C1 controls) through every
/// text output and error: escaped (<c>\x1b</c>, <c>\u202e</c>, <c>\r</c>), never raw; JSON escapes them by its standard.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TerminalSafetyTests
{
    /// <summary>Clears the screen, sets the title, overwrites the line, reverses the text and prints a fake verdict.</summary>
    private const string Hostile = "a\u001b[2J\u001b]0;pwned\u0007\rb\u202ec\u009b31m\u001b[32mall gates passed\u001b[0m";

    private const string Escaped = @"a\x1b[2J\x1b]0;pwned\x07\rb\u202ec\x9b31m\x1b[32mall gates passed\x1b[0m";

    private static readonly char[] Raw = ['\u001b', '\u0007', '\r', '\u202e', '\u009b', '\u2066'];

    private static void AssertNoRawControl(string output)
    {
        var at = output.IndexOfAny(Raw);
        Assert.True(at < 0, $"raw U+{(at < 0 ? 0 : output[at]):X4} at {at} in: {output}");
    }

    public static TheoryData<string, string> Escapes => new()
    {
        { "\u001b[31mred", @"\x1b[31mred" },
        { "\u001b]0;title\u0007", @"\x1b]0;title\x07" },
        { "over\rwrite", @"over\rwrite" },
        { "\u202eevil\u202c", @"\u202eevil\u202c" },
        { "\u2066isolate\u2069", @"\u2066isolate\u2069" },
        { "\u009b2J", @"\x9b2J" },
        { "\u007f", @"\x7f" },
        { "zero\u200bwidth", @"zero\u200bwidth" },
        { "lines\nand\ttabs stay", "lines\nand\ttabs stay" },
        { @"already \x1b escaped", @"already \x1b escaped" },
        { "日本語 🚀 👩‍💻", "日本語 🚀 👩‍💻" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Printable_escapes_for_the_terminal(string text, string expected)
    {
        Assert.Equal(expected, Printable.EscapeForTerminal(text));
        Assert.Equal(expected, Printable.EscapeForTerminal(Printable.EscapeForTerminal(text)));
    }

    [Fact]
    public void The_writer_over_stdout_and_stderr_escapes_every_write()
    {
        var inner = new StringWriter();
        var writer = new TerminalSafeWriter(inner);

        writer.WriteLine($"error: {Hostile}");
        writer.Write('\u001b');
        writer.Write(Hostile.ToCharArray(), 0, 2);

        Assert.Equal($"error: {Escaped}\n\\x1ba\\x1b", inner.ToString());
    }

    [Fact]
    public void A_styled_console_keeps_its_colours_and_escapes_the_text()
    {
        var writer = new StringWriter();
        var console = new EscapingConsole(AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.No,
        }));

        // The second string skips Terminal.Escape, as a new message might: the console escapes it all the same.
        console.MarkupLine($"[red]{Terminal.Escape(Hostile)}[/] {Markup.Escape("\u001b[2Jforgot\u202e")}");

        var output = writer.ToString();
        Assert.Contains(Escaped, output, StringComparison.Ordinal);
        Assert.Contains(@"\x1b[2Jforgot\u202e", output, StringComparison.Ordinal);
        Assert.StartsWith("\u001b[", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202e', output);
    }

    [Fact]
    public async Task Host_file_content_in_the_plan_text_and_json_is_escaped()
    {
        using var host = new ResourceHarness();
        File.WriteAllText(host.Local("/etc/rancher/motd"), Hostile + "\n");

        var plan = await host.ClusterPlanAsync(new FileResource("/etc/rancher/motd", "clean\n", "0644", null));
        var writer = new StringWriter();
        new PlanTextRenderer(Terminal.Create(writer, redirected: true, noColorOption: false)).Render(plan);
        var json = PlanJsonWriter.ToJson(plan);

        Assert.Contains($"- {Escaped}", writer.ToString(), StringComparison.Ordinal);
        AssertNoRawControl(writer.ToString());
        Assert.Contains(@"\u001B[2J\u001B]0;pwned\u0007\rb\u202Ec\u009B31m", json, StringComparison.Ordinal);
        AssertNoRawControl(json);
    }

    [Fact]
    public void The_dry_run_report_escapes_descriptions_commands_and_diffs()
    {
        var writer = new StringWriter();
        var step = new DryRunStep("node-1", $"write /etc/{Hostile}", $"sh -c '{Hostile}'", $"the new /etc/{Hostile}", $"-{Hostile}\n+clean\n");

        DryRunReport.Write(Terminal.Create(writer, redirected: true, noColorOption: false), [step], "the rollout");

        Assert.Equal(4, writer.ToString().Split(Escaped).Length - 1);
        AssertNoRawControl(writer.ToString());
    }

    [Fact]
    public void Progress_lines_stay_one_line_each_whatever_the_node_step_or_gate_holds()
    {
        var writer = new StringWriter();
        var progress = new PlainProgress(writer);

        progress.Step("node-1", $"write {Hostile}\nnode-2: converged in 1.0s");
        progress.GateWaiting("node-1", Hostile, TimeSpan.FromSeconds(1), $"observed {Hostile}");
        progress.GatePassed("node-1", Hostile, TimeSpan.FromSeconds(1));

        var lines = writer.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal($@"node-1: write {Escaped}\nnode-2: converged in 1.0s", lines[0]);
        AssertNoRawControl(writer.ToString());
    }

    public static TheoryData<Resource, string> HostileDeclarations => new()
    {
        { new FileResource($"/etc/x\n{Hostile}", "c", "0644", null), $@"file /etc/x\n{Escaped}: path contains control characters" },
        { new DirectoryResource($"/etc/d\r\u202e", "0755", null), @"directory /etc/d\r\u202e: path contains control characters" },
        { new EnvFileResource().Set($"KEY\nFAKE=1{Hostile}", "v"), $@"env-file: 'KEY\nFAKE=1{Escaped}' is not a variable name" },
        { new ManifestResource($"m\n{Hostile}", "a: b\n"), $@"'m\n{Escaped}' must be letters" },
        { new CommandResource($"cmd\n{Hostile}", "true").Creates("/tmp/x"), $@"command cmd\n{Escaped}" },
    };

    [Theory]
    [MemberData(nameof(HostileDeclarations))]
    public void Refusals_print_the_hostile_name_escaped_on_one_line(Resource resource, string expected)
    {
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server)]) with
        {
            Resources = [new ScopedResource(resource, SettingScope.Cluster)],
        };

        var errors = new ModelValidator().Validate(model).Where(p => p.Severity == Severity.Error).Select(p => p.ToString()).ToList();

        var error = Assert.Single(errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain('\n', error);
        AssertNoRawControl(error);
    }

    [Fact]
    public void A_hostile_limit_is_refused_escaped()
    {
        var error = Assert.Throws<FormatException>(() => NodeLimit.Parse($"s1,x\n{Hostile}"));

        Assert.Equal($@"--limit: 'x\n{Escaped}' is not a node name, role or glob (letters, digits, '.', '-', '_', '*', '?', '[...]')", error.Message);
    }
}

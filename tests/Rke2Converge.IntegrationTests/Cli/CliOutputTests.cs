using System.Text.Json;
using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Cli;

/// <summary>
/// What rke2c prints when a script or a file reads it: plain text, JSON only on stdout with -o json, valid against the
/// published schemas. No lab: the one host is an address of lab Net 145 that nothing listens on, so plan and apply
/// get as far as reading it.
/// </summary>
public sealed class CliOutputTests
{
    private const string Playbook = """
        Cluster("out").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
        Ssh(user: "root", port: 1);
        Config["tls_san"] = new[] { "k8s.example.com" };
        Server("s1", "127.0.145.1");

        """;

    private const string Escape = "\u001b";

    private const string KeypadTransmit = "\u001b[?1h\u001b=";

    private static Rke2cDriver Driver(string name)
    {
        var rke2c = new Rke2cDriver(name);
        // A terminal type that supports colour: only the missing terminal may keep escape sequences out.
        rke2c.ExtraEnvironment["TERM"] = "xterm-256color";
        rke2c.ExtraEnvironment["NO_COLOR"] = null;
        return rke2c;
    }

    [Fact]
    public async Task Piped_validate_plan_and_apply_print_no_escape_sequence()
    {
        var rke2c = Driver("piped");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook);
        var broken = rke2c.WritePlaybook("broken.csx", Playbook + "Agnet(\"a1\", \"127.0.145.2\");\n");

        var runs = new[]
        {
            await rke2c.RunAsync("validate", playbook),
            await rke2c.RunAsync("validate", broken),
            await rke2c.RunAsync("plan", playbook),
            await rke2c.RunAsync("apply", "--yes", playbook),
            await rke2c.RunAsync("apply", "--dry-run", "-o", "json", playbook),
        };

        Assert.True(runs[0].Exit == 0, runs[0].ToString());
        Assert.Contains("warning: config key 'tls_san'", runs[0].Stderr, StringComparison.Ordinal);
        Assert.True(runs[1].Exit == 1, runs[1].ToString());
        Assert.True(runs[2].Exit == 1, runs[2].ToString());
        Assert.Contains("s1", runs[2].Output, StringComparison.Ordinal);
        Assert.True(runs[3].Exit == 1, runs[3].ToString());
        Assert.All(runs, run => Assert.False(run.Output.Contains(Escape, StringComparison.Ordinal), run.ToString()));
    }

    [Fact]
    public async Task On_a_terminal_text_is_styled_unless_no_color_or_NO_COLOR_says_otherwise()
    {
        var rke2c = Driver("tty");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook);

        var styled = await OnTerminalAsync(rke2c, $"validate {playbook}");
        var byOption = await OnTerminalAsync(rke2c, $"validate --no-color {playbook}");
        rke2c.ExtraEnvironment["NO_COLOR"] = "1";
        var byEnvironment = await OnTerminalAsync(rke2c, $"validate {playbook}");

        Assert.Contains("cluster out, 1 node(s)", styled, StringComparison.Ordinal);
        Assert.Contains(Escape, styled, StringComparison.Ordinal);
        Assert.Contains("cluster out, 1 node(s)", byOption, StringComparison.Ordinal);
        Assert.DoesNotContain(Escape, byOption, StringComparison.Ordinal);
        Assert.Contains("cluster out, 1 node(s)", byEnvironment, StringComparison.Ordinal);
        Assert.DoesNotContain(Escape, byEnvironment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_json_is_the_only_stdout_and_matches_the_published_schema()
    {
        var rke2c = Driver("json-validate");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook);
        var broken = rke2c.WritePlaybook("broken.csx", Playbook + "Agnet(\"a1\", \"127.0.145.2\");\n");

        var valid = await rke2c.RunAsync("validate", "-o", "json", playbook);
        var invalid = await rke2c.RunAsync("validate", "--output", "json", broken);

        Assert.True(valid.Exit == 0, valid.ToString());
        PublishedSchemas.AssertValid("validate", valid.Stdout);
        using (var document = JsonDocument.Parse(valid.Stdout))
        {
            Assert.True(document.RootElement.GetProperty("valid").GetBoolean());
            Assert.Equal("out", document.RootElement.GetProperty("cluster").GetString());
        }
        Assert.True(invalid.Exit == 1, invalid.ToString());
        PublishedSchemas.AssertValid("validate", invalid.Stdout);
        using (var document = JsonDocument.Parse(invalid.Stdout))
        {
            Assert.False(document.RootElement.GetProperty("valid").GetBoolean());
            var error = Assert.Single(document.RootElement.GetProperty("errors").EnumerateArray()).GetString();
            Assert.Contains("broken.csx(5,1): error CS0103: The name 'Agnet' does not exist in the current context; did you mean 'Agent'?", error, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(Escape, valid.Output + invalid.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_json_for_an_unreachable_host_matches_the_published_schema()
    {
        var rke2c = Driver("json-plan");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook);

        var plan = await rke2c.RunAsync("plan", "-o", "json", playbook);

        Assert.True(plan.Exit == 1, plan.ToString());
        PublishedSchemas.AssertValid("plan", plan.Stdout);
        using var document = JsonDocument.Parse(plan.Stdout);
        var host = Assert.Single(document.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.NotEmpty(host.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Day2_commands_print_json_that_matches_the_published_schemas_and_never_the_token()
    {
        var rke2c = Driver("json-day2");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook + "Remove(\"s9\", \"127.0.145.9\");\n");

        var remove = await rke2c.RunAsync("remove", "--yes", "-o", "json", playbook);
        var reset = await rke2c.RunAsync("reset", "--dry-run", "-o", "json", playbook);
        var status = await rke2c.RunAsync("secrets-encrypt", "status", "-o", "json", playbook);
        var rotate = await rke2c.RunAsync("secrets-encrypt", "rotate", "--dry-run", "-o", "json", playbook);

        // No API server answers: the removal is refused, and the document says why with no result.
        Assert.True(remove.Exit == 1, remove.ToString());
        PublishedSchemas.AssertValid("remove", remove.Stdout);
        using (var document = JsonDocument.Parse(remove.Stdout))
        {
            var removal = Assert.Single(document.RootElement.GetProperty("removals").EnumerateArray());
            Assert.Contains("no API server of the playbook answered", removal.GetProperty("refusal").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("result").ValueKind);
        }
        // A dry run needs no --yes; the one host does not answer its lock read, so the reset would fail there, not uninstall.
        Assert.True(reset.Exit == 1, reset.ToString());
        PublishedSchemas.AssertValid("reset", reset.Stdout);
        using (var document = JsonDocument.Parse(reset.Stdout))
        {
            var result = document.RootElement.GetProperty("result");
            var node = Assert.Single(result.GetProperty("nodes").EnumerateArray());
            Assert.Equal("failed", node.GetProperty("outcome").GetString());
            Assert.Contains("s1 did not answer when its lock was read", node.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(result.GetProperty("dryRun").EnumerateArray(), step => step.GetProperty("description").GetString() == "rke2-uninstall.sh");
        }
        Assert.Contains("Dry run complete: 0 node(s) would be reset; nothing was changed.", reset.Stderr, StringComparison.Ordinal);
        // Nothing to report when the status cannot be read: the error goes to stderr and stdout stays empty.
        Assert.True(status.Exit == 1, status.ToString());
        Assert.Equal("", status.Stdout);
        Assert.Contains("could not read the secrets-encrypt status", status.Stderr, StringComparison.Ordinal);
        Assert.True(rotate.Exit == 1, rotate.ToString());
        PublishedSchemas.AssertValid("secrets-encrypt-rotate", rotate.Stdout);
        using (var document = JsonDocument.Parse(rotate.Stdout))
        {
            Assert.NotEmpty(Assert.Single(document.RootElement.GetProperty("plan").GetProperty("hosts").EnumerateArray()).GetProperty("problems").EnumerateArray());
            Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("rotation").ValueKind);
        }
        Assert.DoesNotContain(rke2c.Token, string.Concat(remove.Output, reset.Output, status.Output, rotate.Output), StringComparison.Ordinal);

        var removeHelp = await rke2c.RunAsync("remove", "--help");
        var resetHelp = await rke2c.RunAsync("reset", "--help");
        var statusHelp = await rke2c.RunAsync("secrets-encrypt", "status", "--help");
        Assert.All(new[] { removeHelp, resetHelp }, help => Assert.Contains("--dry-run", help.Stdout, StringComparison.Ordinal));
        Assert.All(new[] { removeHelp, resetHelp, statusHelp }, help => Assert.Contains("--output <text|json>", help.Stdout, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_option_values_name_the_choices_and_help_lists_only_what_the_command_uses()
    {
        var rke2c = Driver("options");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook);

        var badOutput = await rke2c.RunAsync("validate", "-o", "xml", playbook);
        var badTransport = await rke2c.RunAsync("plan", "--transport", "SshNet", playbook);
        var validateHelp = await rke2c.RunAsync("validate", "--help");
        var planHelp = await rke2c.RunAsync("plan", "--help");

        Assert.True(badOutput.Exit == 1, badOutput.ToString());
        Assert.Contains("--output must be text or json, not 'xml'", badOutput.Stderr, StringComparison.Ordinal);
        Assert.True(badTransport.Exit == 1, badTransport.ToString());
        Assert.Contains("--transport must be openssh or sshnet, not 'SshNet'", badTransport.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Rke2Converge", badOutput.Output + badTransport.Output, StringComparison.Ordinal);
        Assert.Contains("--output <text|json>", validateHelp.Stdout, StringComparison.Ordinal);
        Assert.Contains("--no-color", validateHelp.Stdout, StringComparison.Ordinal);
        foreach (var hostOption in new[] { "--transport", "--parallel", "--known-hosts" })
        {
            Assert.DoesNotContain(hostOption, validateHelp.Stdout, StringComparison.Ordinal);
            Assert.Contains(hostOption, planHelp.Stdout, StringComparison.Ordinal);
        }
        Assert.Contains("--transport <openssh|sshnet>", planHelp.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs rke2c on a pseudo-terminal (util-linux script) and returns what the terminal showed.</summary>
    private static async Task<string> OnTerminalAsync(Rke2cDriver rke2c, string arguments)
    {
        var environment = new Dictionary<string, string?>(rke2c.ExtraEnvironment)
        {
            ["RKE2_TOKEN"] = rke2c.Token,
            ["RKE2C_CACHE_DIR"] = Path.Combine(rke2c.WorkDirectory, "cache"),
            ["XDG_STATE_HOME"] = Path.Combine(rke2c.WorkDirectory, "state"),
        };
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(
            "script", ["-qec", $"dotnet {Rke2cDriver.Rke2cDll} {arguments}", "/dev/null"], TimeSpan.FromMinutes(5),
            environment: environment, workingDirectory: rke2c.WorkDirectory);
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        // The .NET runtime itself switches a terminal's keypad to application mode at start; that is not rke2c's output.
        return stdout.Replace(KeypadTransmit, "", StringComparison.Ordinal);
    }
}

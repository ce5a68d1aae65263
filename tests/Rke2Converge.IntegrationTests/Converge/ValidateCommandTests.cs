using System.Text.Json;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>The real <c>rke2c validate</c>: no host, no secret, bounded playbook code, warnings that do not fail.</summary>
public sealed class ValidateCommandTests
{
    private const string Cluster = """
        Cluster("v").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
        Config["agent-token"] = Secret.FromFile("no-such-secret-file");
        Server("s1", "127.0.75.1");

        """;

    [Fact]
    public async Task Validate_reads_no_secret_and_warns_about_unknown_keys_without_failing()
    {
        var rke2c = new Rke2cDriver("validate");
        rke2c.ExtraEnvironment["RKE2_TOKEN"] = null;
        var playbook = rke2c.WritePlaybook("site.csx", Cluster + "Config[\"tls_san\"] = new[] { \"k8s.example.com\" };\n");

        var text = await rke2c.RunAsync("validate", playbook);
        var json = await rke2c.RunAsync("validate", "--output", "json", playbook);
        var plan = await rke2c.RunAsync("plan", playbook);

        Assert.True(text.Exit == 0, text.ToString());
        Assert.Contains("site.csx: cluster v, 1 node(s), valid with 1 warning(s)", text.Stdout, StringComparison.Ordinal);
        const string Warning = "site.csx:4: warning: config key 'tls_san' (cluster-wide) is not an RKE2 server or agent option; "
            + "RKE2 ignores it: did you mean 'tls-san'?";
        Assert.Contains(Warning, text.Stderr, StringComparison.Ordinal);
        Assert.True(json.Exit == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.True(document.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(Warning, Assert.Single(document.RootElement.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Empty(document.RootElement.GetProperty("errors").EnumerateArray());
        // plan does read secrets, so the same playbook stops there, before any host.
        Assert.True(plan.Exit == 1, plan.ToString());
        Assert.Contains("RKE2_TOKEN", plan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_playbook_is_stopped_after_the_eval_timeout()
    {
        var rke2c = new Rke2cDriver("validate-loop");
        var playbook = rke2c.WritePlaybook("site.csx", Cluster + "while (true) { }\n");

        var byOption = await rke2c.RunAsync("validate", "--eval-timeout", "2", playbook);
        rke2c.ExtraEnvironment["RKE2C_EVAL_TIMEOUT"] = "1.5";
        var byEnvironment = await rke2c.RunAsync("validate", "--output", "json", playbook);

        Assert.True(byOption.Exit == 1, byOption.ToString());
        Assert.Contains("site.csx: error: the playbook did not finish within 2 s", byOption.Stderr, StringComparison.Ordinal);
        Assert.True(byEnvironment.Exit == 1, byEnvironment.ToString());
        using var document = JsonDocument.Parse(byEnvironment.Stdout);
        Assert.False(document.RootElement.GetProperty("valid").GetBoolean());
        Assert.StartsWith(
            "site.csx: error: the playbook did not finish within 1.5 s",
            Assert.Single(document.RootElement.GetProperty("errors").EnumerateArray()).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_playbook_says_so()
    {
        var rke2c = new Rke2cDriver("validate-empty");
        var playbook = rke2c.WritePlaybook("empty.csx", "");

        var run = await rke2c.RunAsync("validate", playbook);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("empty.csx: error: the playbook declares nothing (is it empty?)", run.Stderr, StringComparison.Ordinal);
    }
}

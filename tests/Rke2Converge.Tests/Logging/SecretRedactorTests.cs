using System.Text;
using Rke2Converge.Cli.Output;
using Rke2Converge.Logging;
using Rke2Converge.Plan.Diff;
using Spectre.Console;

namespace Rke2Converge.Tests.Logging;

/// <summary>The redactor's rules one by one: forms, short secrets, secrets found in host files, the redacting writer.</summary>
public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("password: ab", "password: (sensitive)")]
    [InlineData("  \"password\": \"ab\",", "  \"password\": \"(sensitive)\",")]
    [InlineData("--token ab --other", "--token (sensitive) --other")]
    [InlineData("      ab", "      (sensitive)")]
    [InlineData("K=ab", "K=(sensitive)")]
    [InlineData("tab stab about a b ab-c cab", "tab stab about a b ab-c cab")]
    [InlineData("mode 0644 → 0600, owner abx", "mode 0644 → 0600, owner abx")]
    public void A_short_secret_is_masked_only_where_it_is_a_whole_value(string text, string expected)
    {
        var redactor = new SecretRedactor();
        redactor.Register("ab");

        Assert.Equal(expected, redactor.Redact(text));
    }

    [Fact]
    public void A_secret_that_is_a_prefix_of_another_leaves_no_tail()
    {
        var redactor = new SecretRedactor();
        redactor.Register("prefix-secret");
        redactor.Register("prefix-secret-and-more");

        Assert.Equal("a (sensitive) b (sensitive)", redactor.Redact("a prefix-secret-and-more b prefix-secret"));
    }

    [Theory]
    [InlineData("it's")]
    [InlineData("a\": b")]
    [InlineData("multi\nline\nsecret")]
    [InlineData("ünï\tcødé")]
    public void Every_yaml_style_of_a_secret_is_masked(string secret)
    {
        var redactor = new SecretRedactor();
        redactor.Register(secret);
        var styles = new[]
        {
            new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(new Dictionary<string, string> { ["password"] = secret }),
            "password: '" + secret.Replace("'", "''", StringComparison.Ordinal) + "'\n",
            "password: \"" + secret.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"\n",
            "password: |-\n  " + secret.Replace("\n", "\n  ", StringComparison.Ordinal) + "\n",
        };

        foreach (var yaml in styles)
        {
            var masked = redactor.Redact(yaml);
            foreach (var line in secret.Split('\n').Where(line => line.Length >= SecretRedactor.ShortLength))
            {
                Assert.False(masked.Contains(line, StringComparison.Ordinal), masked);
            }
            Assert.Contains("(sensitive)", masked, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Host_files_give_up_their_secrets_by_key_flag_assignment_url_pem_and_auth()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("puller:auth-pass-1"));
        var content = string.Join('\n',
            "configs:",
            "  reg:5000:",
            "    auth:",
            "      username: puller",
            "      password: 'it''s-yaml'",
            $"      auth: {auth}",
            "token: K10config-token",
            "node-name: plain-node",
            "ExecStart=/usr/local/bin/rke2 server --agent-token=agent-tok-1 --node-name plain-flag",
            "Environment=\"RKE2_TOKEN=env-tok-1\" \"HTTP_PROXY=http://proxyuser:proxy-pass-1@proxy:3128\"",
            "AWS_SECRET_ACCESS_KEY=aws-secret-1",
            "-----BEGIN RSA PRIVATE KEY-----",
            "MIIEpAIBAAKCAQEAkeyline1",
            "-----END RSA PRIVATE KEY-----");

        var found = HostSecrets.Find(content);

        foreach (var secret in new[] { "puller", "it's-yaml", "'it''s-yaml'", auth, "puller:auth-pass-1", "auth-pass-1", "K10config-token", "agent-tok-1",
            "env-tok-1", "proxy-pass-1", "aws-secret-1", "MIIEpAIBAAKCAQEAkeyline1" })
        {
            Assert.Contains(secret, found);
        }
        foreach (var plain in new[] { "plain-node", "plain-flag", "/usr/local/bin/rke2", "http://proxyuser:proxy-pass-1@proxy:3128", "reg:5000" })
        {
            Assert.DoesNotContain(plain, found);
        }
    }

    [Fact]
    public void An_env_file_diff_shows_plain_values_and_masks_secrets_and_variables_the_playbook_does_not_set()
    {
        var before = "HTTP_PROXY=\"http://old:3128\"\nRKE2_TOKEN=\"old-token\"\nLEFTOVER=\"left-value\"\n";
        var after = "# Managed by rke2c.\nHTTP_PROXY=\"http://new:3128\"\nRKE2_TOKEN=\"new-token\"\nDECLARED_SECRET=\"s\"\n";

        var lines = StructuredFileDiff.EnvFile(before, after, new HashSet<string>(StringComparer.Ordinal) { "HTTP_PROXY", "RKE2_TOKEN" });

        Assert.Equal(
            ["~ HTTP_PROXY: http://old:3128 → http://new:3128", "~ RKE2_TOKEN: (sensitive) changed", "- LEFTOVER: (sensitive)", "+ DECLARED_SECRET: (sensitive)"],
            lines);
    }

    [Fact]
    public void The_redacting_writer_masks_what_a_console_prints_in_pieces_and_shows_a_prompt_on_flush()
    {
        var redactor = new SecretRedactor();
        redactor.Register("console-secret-1");
        var sink = new StringWriter();
        var writer = new RedactingWriter(sink, redactor);
        var console = Terminal.Create(writer, redirected: true, noColorOption: true);

        console.Markup("[bold]token console-[/]");
        writer.Write("secret-1 seen whole\n");
        console.Markup("Apply these changes? [[y/N]] ");
        var beforeFlush = sink.ToString();
        writer.Flush();

        Assert.Equal("token (sensitive) seen whole\n", beforeFlush);

        Assert.Equal("token (sensitive) seen whole\nApply these changes? [y/N] ", sink.ToString());
    }
}

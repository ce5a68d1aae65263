using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rke2Converge.Cli.Output;
using Rke2Converge.Facts;
using Rke2Converge.Logging;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Rendering;
using Rke2Converge.Remote;
using Rke2Converge.Resources;
using Rke2Converge.Rollout;
using Rke2Converge.Tests.Remote;
using Serilog.Events;

namespace Rke2Converge.Tests.Logging;

/// <summary>
/// Every hostile shape of a secret, as this run's registry password and as the old password found on the host, through
/// every output rke2c has: plan text, plan JSON, dry-run text and JSON, the run log and an error message. The host is
/// this machine inside a private mount namespace (the real fact script reads the planted files; nothing outside a temp
/// directory is touched).
/// </summary>
public sealed class HostileSecretTests
{
    private const string Registry = "reg.test:5000";
    private const string PlainRunPassword = "fresh-run-password-9";
    private const string PlainHostPassword = "previous-host-password-0";
    private static readonly SecretSource PasswordSource = SecretSource.FromEnv("RKE2C_TEST_REGISTRY_PASSWORD_UNUSED");

    public static TheoryData<string> Shapes => new(
        "line-one\nline-two",
        "key: value-pass",
        "quote\": \"pass",
        "it's 'single' and \"double\"",
        "back\\slash\\path\\pw",
        "ünïcødé-秘密-🔑",
        "tab\there-pw",
        "#looks-like-a-comment",
        "- dash first",
        "*alias-like",
        "|pipe-first",
        "true",
        "ab",
        "x",
        "a-c",
        "YWRtaW46aHVudGVyMg==",
        "line-a\nb\nline-c");

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task This_runs_password_in_any_shape_appears_in_no_output(string secret)
    {
        using var host = new PlantedHost();
        host.Plant("/etc/rancher/rke2/registries.yaml", RegistriesFile("https://old.mirror.test", PlainHostPassword));
        var redactor = new SecretRedactor();
        redactor.Register(secret);

        var everything = await EveryOutputAsync(host, redactor, secret, "https://new.mirror.test");

        AssertNoForm(everything, secret);
        AssertNoForm(everything, PlainHostPassword);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task An_old_password_in_any_shape_read_from_the_host_appears_in_no_output(string secret)
    {
        using var host = new PlantedHost();
        host.Plant("/etc/rancher/rke2/registries.yaml", RegistriesFile("https://old.mirror.test", secret));
        var redactor = new SecretRedactor();
        redactor.Register(PlainRunPassword);

        var everything = await EveryOutputAsync(host, redactor, PlainRunPassword, "https://new.mirror.test");

        AssertNoForm(everything, secret);
        AssertNoForm(everything, PlainRunPassword);
    }

    [Fact]
    public async Task A_registries_auth_field_on_the_host_is_masked_as_written_decoded_and_split()
    {
        using var host = new PlantedHost();
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("robot-user:auth-field-password"));
        host.Plant("/etc/rancher/rke2/registries.yaml", $"configs:\n  {Registry}:\n    auth:\n      auth: {auth}\n");
        var redactor = new SecretRedactor();

        var everything = await EveryOutputAsync(host, redactor, PlainRunPassword, "https://m.test");

        AssertNoForm(everything, auth);
        AssertNoForm(everything, "auth-field-password");
        AssertNoForm(everything, "robot-user");
    }

    [Fact]
    public async Task The_old_registry_password_on_the_host_never_reaches_the_dry_run()
    {
        using var host = new PlantedHost();
        host.Plant("/etc/rancher/rke2/registries.yaml", RegistriesFile("https://m.test", "hunter2-old-on-the-host"));
        // A redactor that learned nothing from facts: the dry run's own read of the file must teach it.
        var redactor = new SecretRedactor();
        redactor.Register(PlainRunPassword);
        var change = (await host.PlanAsync(new SecretRedactor(), PlainRunPassword, Registries("https://m.test"))).Hosts[0].Changes.OfType<ResourceChange>().Single();
        var executor = new DryRunExecutor(redactor);

        foreach (var step in change.Steps) await executor.ExecuteAsync(host.Shell, step, default);
        var text = Render(redactor, writer => DryRunReport.Write(Terminal.Create(writer, redirected: true, noColorOption: true), executor.Steps, "the rollout"));
        var json = Render(redactor, writer => writer.WriteLine(JsonOutput.DryRunSteps(executor.Steps)!.ToJsonString()));

        // The credentials changed: shown as a removed and an added line under auth:, both masked.
        Assert.Contains("        auth:\n", text, StringComparison.Ordinal);
        Assert.Contains("\n       -      (sensitive)\n       +      (sensitive)\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-old-on-the-host", text + json, StringComparison.Ordinal);
        Assert.DoesNotContain(PlainRunPassword, text + json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drop_in_holding_the_token_read_from_the_host_is_masked_in_plan_text_and_json()
    {
        using var host = new PlantedHost();
        const string DropIn = "/etc/systemd/system/rke2-server.service.d/extra.conf";
        host.Plant(DropIn,
            "[Service]\nExecStart=\nExecStart=/usr/local/bin/rke2 server --token K10old-token-on-host::server:abc --agent-token=ag1\n"
            + "Environment=\"RKE2_TOKEN=env-token-on-host\"\n");
        var redactor = new SecretRedactor();

        var plan = await host.PlanAsync(redactor, PlainRunPassword, new SystemdDropInResource("extra", "[Service]\nLimitNOFILE=65536\n"));
        var text = Render(redactor, writer => new PlanTextRenderer(Terminal.Create(writer, redirected: true, noColorOption: true)).Render(plan));
        var json = Render(redactor, writer => writer.WriteLine(PlanJsonWriter.ToJson(plan)));

        Assert.Contains("ExecStart=/usr/local/bin/rke2 server --token (sensitive) --agent-token=(sensitive)", text, StringComparison.Ordinal);
        foreach (var secret in new[] { "K10old-token-on-host::server:abc", "env-token-on-host", "ag1" })
        {
            AssertNoForm(text, secret);
            AssertNoForm(json, secret);
        }
    }

    [Fact]
    public async Task Registries_drift_shows_the_mirror_endpoint_change_and_only_that_a_credential_changed()
    {
        using var host = new PlantedHost();
        host.Plant("/etc/rancher/rke2/registries.yaml", RegistriesFile("https://old.mirror.test", PlainHostPassword));
        var redactor = new SecretRedactor();
        redactor.Register(PlainRunPassword);

        var change = (await host.PlanAsync(redactor, PlainRunPassword, Registries("https://new.mirror.test"))).Hosts[0].Changes.OfType<ResourceChange>().Single();

        Assert.Equal(
            [
                "~ mirrors.\"docker.io\".endpoint: [https://old.mirror.test] → [https://new.mirror.test]",
                $"~ configs.\"{Registry}\".auth.password: (sensitive) changed",
            ],
            change.Details);
    }

    [Fact]
    public async Task Registries_with_the_same_credentials_show_only_the_endpoint()
    {
        using var host = new PlantedHost();
        host.Plant("/etc/rancher/rke2/registries.yaml", RegistriesFile("https://old.mirror.test", PlainRunPassword));
        var redactor = new SecretRedactor();

        var change = (await host.PlanAsync(redactor, PlainRunPassword, Registries("https://new.mirror.test"))).Hosts[0].Changes.OfType<ResourceChange>().Single();

        Assert.Equal(["~ mirrors.\"docker.io\".endpoint: [https://old.mirror.test] → [https://new.mirror.test]"], change.Details);
    }

    /// <summary>Plan text, plan JSON, dry-run text and JSON, the run log and an error, all as rke2c prints them, joined.</summary>
    private static async Task<string> EveryOutputAsync(PlantedHost host, SecretRedactor redactor, string runPassword, string endpoint)
    {
        var plan = await host.PlanAsync(redactor, runPassword, Registries(endpoint));
        var change = plan.Hosts[0].Changes.OfType<ResourceChange>().Single();
        var executor = new DryRunExecutor(redactor);
        foreach (var step in change.Steps) await executor.ExecuteAsync(host.Shell, step, default);
        var written = Encoding.UTF8.GetString(change.Steps.Single().Stdin!);
        var onHost = File.ReadAllText(host.Local("/etc/rancher/rke2/registries.yaml"));

        var planJson = Render(redactor, writer => writer.WriteLine(PlanJsonWriter.ToJson(plan)));
        var dryRunJson = Render(redactor, writer => writer.WriteLine(JsonOutput.DryRunSteps(executor.Steps)!.ToJsonString()));
        // Masking keeps JSON JSON: the mask replaces text inside strings, never a quote.
        using (JsonDocument.Parse(planJson))
        using (JsonDocument.Parse(dryRunJson))
        {
        }
        var outputs = new List<string>
        {
            Render(redactor, writer => new PlanTextRenderer(Terminal.Create(writer, redirected: true, noColorOption: true)).Render(plan)),
            planJson,
            Render(redactor, writer => DryRunReport.Write(Terminal.Create(writer, redirected: true, noColorOption: true), executor.Steps, "the rollout")),
            dryRunJson,
            Render(redactor, writer => writer.WriteLine($"error: {Registry} refused the file:\n{written}\nnode had:\n{onHost}")),
            Log(redactor, written, onHost),
        };
        return string.Join("\n", outputs);
    }

    private static string Log(SecretRedactor redactor, string written, string onHost)
    {
        var directory = Directory.CreateTempSubdirectory("rke2c-hostile-log-").FullName;
        try
        {
            var (logger, path) = RunLog.Create("test", directory, LogEventLevel.Fatal, redactor);
            using (logger)
            {
                logger.Information("writing {Content}", written);
                logger.Warning("host had " + onHost.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
                logger.Error(new InvalidOperationException("registry said: " + onHost), "failed {Node}", "s1");
            }
            return File.ReadAllText(path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Render(SecretRedactor redactor, Action<TextWriter> write)
    {
        var sink = new StringWriter();
        using (var redacting = new RedactingWriter(sink, redactor)) write(redacting);
        return sink.ToString();
    }

    private static RegistriesResource Registries(string endpoint) =>
        new RegistriesResource().Mirror("docker.io", [endpoint]).Config(Registry, username: "robot", password: PasswordSource);

    /// <summary>registries.yaml exactly as rke2c writes it, with <paramref name="password"/> in it.</summary>
    private static string RegistriesFile(string endpoint, string password)
    {
        var model = TestModels.Cluster([TestModels.Node("node-1", "127.0.0.1", NodeRole.Server)]);
        var desired = DesiredStateBuilder.Build(model)[0];
        var context = new ResourceContext(desired, TestModels.FreshHost("node-1", []), _ => password);
        return Registries(endpoint).Render(context);
    }

    /// <summary>
    /// No spelling of <paramref name="secret"/> is in <paramref name="output"/>: not the value, nor JSON- or YAML-escaped,
    /// nor base64, nor any of its lines; a short value or line (under four characters) not as a whole value.
    /// </summary>
    private static void AssertNoForm(string output, string secret)
    {
        // JSON's own booleans and nulls are structure, not text: a secret spelled "true" is masked in strings only.
        output = Regex.Replace(output, @"(?<=[:\[,]\s*)(?:true|false|null)(?=\s*[,}\]\n])", "<json literal>");
        var forms = new HashSet<string>(StringComparer.Ordinal)
        {
            secret,
            JsonSerializer.Serialize(secret)[1..^1],
            Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)),
            secret.Replace("'", "''", StringComparison.Ordinal),
            secret.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal),
        };
        foreach (var line in secret.Split('\n')) forms.Add(line);
        foreach (var form in forms.Where(form => form.Trim().Length > 0))
        {
            if (form.Length >= SecretRedactor.ShortLength)
            {
                Assert.False(output.Contains(form, StringComparison.Ordinal), $"'{form}' (a form of a secret) is in:\n{output}");
                continue;
            }
            var wholeValue = new Regex(
                $@"(?m)(?:^[ \t]*(?:-[ \t]+)?|[:=][ \t]*[""']?|--[a-z-]+[ \t]+|[""'])({Regex.Escape(form)})(?=[""']|[ \t]*$|[,}}\]])");
            Assert.False(wholeValue.IsMatch(output), $"'{form}' (a short secret) stands as a value in:\n{output}");
        }
    }

    /// <summary>One node whose /etc/rancher, /var/lib/rancher and /etc/systemd/system are a temp directory's, in a private mount namespace.</summary>
    private sealed class PlantedHost : IDisposable
    {
        private static readonly (string Remote, string Local)[] Mounts =
            [("/etc/rancher", "etc-rancher"), ("/var/lib/rancher", "var-lib-rancher"), ("/etc/systemd/system", "etc-systemd-system")];

        public PlantedHost()
        {
            Root = Directory.CreateTempSubdirectory("rke2c-hostile-").FullName;
            foreach (var (_, local) in Mounts) Directory.CreateDirectory(Path.Combine(Root, local));
            Shell = new LocalShell("node-1", string.Join(" && ", Mounts.Select(m => $"mount --bind {ShellQuote.Quote(Path.Combine(Root, m.Local))} {m.Remote}")));
            Node = TestModels.Node("node-1", "127.0.0.1", NodeRole.Server);
        }

        public string Root { get; }

        public LocalShell Shell { get; }

        public NodeSpec Node { get; }

        public string Local(string path)
        {
            var (remote, local) = Mounts.Single(m => path.StartsWith(m.Remote + "/", StringComparison.Ordinal));
            return Path.Combine(Root, local, path[(remote.Length + 1)..]);
        }

        public void Plant(string path, string content)
        {
            var local = Local(path);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            File.WriteAllText(local, content);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(local, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        /// <summary>Reads the host's facts as the CLI does (secrets in its files registered with <paramref name="redactor"/>) and plans.</summary>
        public async Task<ClusterPlan> PlanAsync(SecretRedactor redactor, string runPassword, params Resource[] resources)
        {
            var model = TestModels.Cluster([Node]) with { Resources = [.. resources.Select(r => new ScopedResource(r, SettingScope.Cluster))] };
            var desired = DesiredStateBuilder.Build(model);
            var facts = await new FactGatherer { Redactor = redactor }.GatherAsync(
                [new FactRequest(Node, Shell, [.. desired[0].Sysctls.Keys]) { Resources = desired[0].Resources }], CancellationToken.None);
            return new Planner("test", TestModels.Templates(), source => source == PasswordSource ? runPassword : TestModels.Token).Plan(desired, facts);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

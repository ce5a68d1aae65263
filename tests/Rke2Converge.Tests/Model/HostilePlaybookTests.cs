using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Resources;
using Rke2Converge.Templates;
using Rke2Converge.Tests.Playbooks;

namespace Rke2Converge.Tests.Model;

/// <summary>
/// Issue 17's hostile playbooks: what rke2c manages is reserved (paths it writes, config keys it sets, in every
/// spelling and through every route: Config, one-letter aliases, declared and kept drop-ins, the config.yaml template),
/// and a playbook cannot end rke2c's process. Each is refused at the playbook's (or template's) file and line by the
/// loader, the validator or the template check, which all run before any host is connected; the host-side cases are
/// plan problems naming the file and key, from fake facts.
/// </summary>
public sealed class HostilePlaybookTests : IDisposable
{
    private const string Preamble = """
        Cluster("lab").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
        Ssh(user: "root");
        Server("s1", "10.0.0.1");
        Agent("a1", "10.0.0.2");
        JoinOrder("s1");

        """;

    private const int HostileLine = 6;

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    public static TheoryData<string, string> Refused => new()
    {
        // Each path rke2c writes (ReservedPaths.All), by File, Directory or a declaration at another scope.
        { """File("/etc/rancher/rke2/config.yaml", "token: x\n");""", "file /etc/rancher/rke2/config.yaml (cluster-wide): /etc/rancher/rke2/config.yaml is reserved: /etc/rancher/rke2/config.yaml is config.yaml" },
        { """File("//etc/rancher//rke2/config.yaml", "token: x\n");""", "/etc/rancher/rke2/config.yaml is config.yaml, which rke2c renders" },
        { """File("/etc/rancher/rke2/registries.yaml", "mirrors: {}\n");""", "is reserved: /etc/rancher/rke2/registries.yaml is written by Registries() only" },
        { """File("/etc/sysctl.d/90-rke2c.conf", "vm.swappiness = 1\n");""", "is reserved: /etc/sysctl.d/90-rke2c.conf is the sysctl file rke2c writes" },
        { """File("/etc/default/rke2-server", "A=1\n");""", "is reserved: /etc/default/rke2-server is written by EnvFile() only" },
        { """Node("a1").File("/etc/default/rke2-agent", "A=1\n");""", "file /etc/default/rke2-agent (node a1): /etc/default/rke2-agent is reserved" },
        { """File("/var/lib/rancher/rke2c/lock", "forged holder");""", "is reserved: /var/lib/rancher/rke2c is rke2c's state" },
        { """File("/var/lib/rancher/rke2c/pending", "restart");""", "/var/lib/rancher/rke2c/pending is reserved" },
        { """Directory("/var/lib/rancher/rke2c/backups", "0777");""", "directory /var/lib/rancher/rke2c/backups (cluster-wide): /var/lib/rancher/rke2c/backups is reserved" },
        { """Directory("/var/lib/rancher/rke2c", "0777", owner: "nobody");""", "directory /var/lib/rancher/rke2c (cluster-wide): /var/lib/rancher/rke2c is reserved" },
        { """File("/usr/local/bin/rke2", "#!/bin/sh\n");""", "/usr/local/bin/rke2 is installed from the RKE2 release tarball" },
        { """File("/usr/local/lib/systemd/system/rke2-server.service", "[Unit]\n");""", "/usr/local/lib/systemd/system/rke2-server.service is installed from the RKE2 release tarball" },
        { """File("/usr/local/share/rke2/rke2-cis-sysctl.conf", "x\n");""", "/usr/local/share/rke2 is installed from the RKE2 release tarball" },
        { """Directory("/etc/rancher/rke2").Absent();""", "/etc/rancher/rke2 holds /etc/rancher/rke2/config.yaml" },
        { """File("/etc/rancher/rke2", "x");""", "/etc/rancher/rke2 holds /etc/rancher/rke2/config.yaml" },
        // One path, one resource, however it is spelled; '.' and '..' are refused outright.
        { """File("/opt/a", "x"); File("//opt/a", "y");""", "file //opt/a writes /opt/a, as file /opt/a does" },
        { """Directory("/opt/b/"); File("/opt/b", "y");""", "file /opt/b writes /opt/b, as directory /opt/b/ does" },
        { """Manifest("m", "a: b\n"); File("/var/lib/rancher/rke2/server/manifests/m.yaml", "x");""", "writes /var/lib/rancher/rke2/server/manifests/m.yaml, as manifest m.yaml does" },
        { """File("/opt/c/.", "x");""", "file /opt/c/.: path must name a file below / without '.' or '..'" },
        { """File("/opt/c/d/..", "x");""", "file /opt/c/d/..: path must name a file below / without '.' or '..'" },
        { """File("/a/b/", "x");""", "file /a/b/: a file's path must not end in '/'" },
        // k3s's one-letter aliases (t, s, d, ...) are their long names.
        { """Config["t"] = "x";""", "config key 't' (k3s's one-letter alias of 'token') (cluster-wide) is managed by rke2c" },
        { """Role(NodeRole.Agent).Config["s"] = "https://x:9345";""", "config key 's' (k3s's one-letter alias of 'server') (role agent) is managed by rke2c" },
        { """Config["d"] = "/data";""", "config key 'd' (k3s's one-letter alias of 'data-dir') (cluster-wide) is refused: write Config[\"data-dir\"]" },
        { """Node("a1").Config["T"] = "x";""", "config key 'T' (k3s's one-letter alias of 'token') (node a1) is managed by rke2c" },
        // A declared config.yaml.d drop-in is read after config.yaml: it may not set what rke2c writes.
        { """File("/etc/rancher/rke2/config.yaml.d/50-x.yaml", "token: x\n");""", "file /etc/rancher/rke2/config.yaml.d/50-x.yaml (cluster-wide) sets config key 'token', which is managed by rke2c" },
        { """File("/etc/rancher/rke2/config.yaml.d/50-x.yml", "t: x\n");""", "sets config key 't' (k3s's one-letter alias of 'token'), which is managed by rke2c" },
        { """Node("s1").File("/etc/rancher/rke2/config.yaml.d/60-x.YAML", "node-name: other\n");""", "(node s1) sets config key 'node-name', which is managed by rke2c" },
        { """File("/etc/rancher/rke2/config.yaml.d/50-x.yaml", "cluster-reset: true\ncluster-reset-restore-path: /tmp/s\n");""", "sets config key 'cluster-reset', which is managed by rke2c: a one-shot flag" },
        { """File("/etc/rancher/rke2/config.yaml.d/70-x.yaml", "server: [unclosed\n");""", "is a config.yaml.d drop-in RKE2 cannot read" },
        // A playbook cannot end rke2c's process (validate would exit 0 with no verdict).
        { """Environment.Exit(0);""", "Environment.Exit would end rke2c itself" },
        { """System.Environment.FailFast("bye");""", "Environment.FailFast would end rke2c itself" },
        { """Action<int> quit = Environment.Exit; quit(0);""", "Environment.Exit would end rke2c itself" },
        { """System.Diagnostics.Process.GetCurrentProcess().Kill();""", "Process.Kill would end rke2c itself" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Refused_at_the_playbooks_file_and_line(string hostileLine, string expected)
    {
        var path = _workspace.Write("site.csx", Preamble + hostileLine + "\n");

        var errors = await ErrorsAsync(path);

        var error = Assert.Single(errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.StartsWith($"{path}:{HostileLine}: error", error, StringComparison.Ordinal);
    }

    public static TheoryData<string> Accepted => new()
    {
        """Registries().Mirror("docker.io", new[] { "https://mirror:5000" });""",
        """EnvFile().Set("HTTP_PROXY", "http://proxy:3128");""",
        """Directory("/etc/rancher/rke2", "0700");""",
        """Directory("/var/lib/rancher", "0755");""",
        """File("/etc/rancher/rke2/config.yaml.d/50-labels.yaml", "node-label: [pool=a]\n");""",
        """File("/etc/rancher/rke2/audit.yaml", "apiVersion: audit.k8s.io/v1\n");""",
        """Config["v"] = 2;""",
        """Node("a1").File("/opt/a", "x"); File("/opt/a", "y");""",
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task What_rke2c_does_not_manage_stays_the_playbooks(string line)
    {
        var path = _workspace.Write("site.csx", Preamble + line + "\n");

        Assert.Empty(await ErrorsAsync(path));
    }

    [Fact]
    public void The_reserved_list_comes_from_the_writers_and_holds_rke2cs_state()
    {
        var reserved = ReservedPaths.All.Select(r => r.Path).ToList();

        Assert.Contains(Rke2Paths.ConfigFile, reserved);
        Assert.Contains(Rke2Paths.ManagedSysctlFile, reserved);
        Assert.Contains(RegistriesResource.Path, reserved);
        Assert.Contains("/etc/default/rke2-server", reserved);
        Assert.Contains("/etc/default/rke2-agent", reserved);
        Assert.Contains(Rke2Paths.Rke2Binary, reserved);
        var state = Assert.Single(ReservedPaths.All, r => r.Path == Rke2Paths.StateDirectory);
        Assert.True(state.Tree);
        Assert.All(
            [Rke2Paths.LockFile, Rke2Paths.PendingWorkMarker, Rke2Paths.BackupDirectory, Rke2Converge.Rollout.Operations.InstallOperations.StagingDirectory],
            path => Assert.True(ResourcePaths.IsAtOrBelow(path, Rke2Paths.StateDirectory), path));
        Assert.All(reserved, path => Assert.Equal(ResourcePaths.Normalize(path), path));
    }

    [Theory]
    [InlineData("//a", "/a")]
    [InlineData("/a/", "/a")]
    [InlineData("/a/.", "/a")]
    [InlineData("/a/b/..", "/a")]
    [InlineData("/a//b/./c/", "/a/b/c")]
    [InlineData("/..", "/")]
    public void Paths_are_compared_as_the_kernel_resolves_them(string path, string normal) => Assert.Equal(normal, ResourcePaths.Normalize(path));

    // --- config.yaml templates: read back as RKE2 reads them, before any host is touched.

    private static ClusterModel TwoNodes() => TestModels.Cluster(
        [TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("a1", "10.0.0.2", NodeRole.Agent)],
        config: new ConfigMap { ["node-label"] = new[] { "pool=a" } });

    private Planner PlannerWithTemplate(string templateText)
    {
        var playbook = _workspace.Write("site.csx", "// templates only\n");
        var templatePath = _workspace.Write(Path.Join("templates", TemplateRenderer.ConfigYaml), templateText);
        Assert.True(File.Exists(templatePath));
        return new Planner("test", TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(playbook)), TestModels.Reveal);
    }

    private string TemplateFile => Path.Join(_workspace.Root, "templates", TemplateRenderer.ConfigYaml);

    public static TheoryData<string, int, string> RefusedTemplates => new()
    {
        { "# header\ntoken: mine\n{{ config }}\n", 2, "the template writes config key 'token' itself, which is managed by rke2c" },
        { "# header\n{{ config }}\nserver: https://evil:9345\n", 3, "the template writes config key 'server' itself, which is managed by rke2c" },
        { "{{ config }}\ncluster-reset: true\n", 2, "the template writes config key 'cluster-reset' itself, which is managed by rke2c: a one-shot flag" },
        { "{{ config }}\n\"node-name\": other\n", 2, "the template writes config key 'node-name' itself" },
        { "{{ config }}\nt: other\n", 2, "the template writes config key 't' (k3s's one-letter alias of 'token') itself" },
        { "{{ config }}\nd: /data\n", 2, "the template writes config key 'd' (k3s's one-letter alias of 'data-dir'): write its long name" },
        { "{{ config }}\nnode-label: [b]\n", 2, "would have key 'node-label' more than once" },
        { "# no config at all\nprofile: cis\n", 1, "would lack 'token', which rke2c writes" },
    };

    [Theory]
    [MemberData(nameof(RefusedTemplates))]
    public void A_template_cannot_write_managed_keys_or_a_key_twice(string template, int line, string expected)
    {
        var planner = PlannerWithTemplate(template);

        var errors = planner.CheckTemplates(DesiredStateBuilder.Build(TwoNodes()));

        var error = Assert.Single(errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(TemplateFile, error.File);
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"{TemplateFile}({line},", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestModels.Token, string.Join("\n", errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_with_its_own_harmless_lines_passes()
    {
        var planner = PlannerWithTemplate("# ours\n{{ config }}\nprofile: cis\n");

        Assert.Empty(planner.CheckTemplates(DesiredStateBuilder.Build(TwoNodes())));
    }

    [Fact]
    public void A_change_to_the_templates_text_alone_is_planned()
    {
        var desired = DesiredStateBuilder.Build(TwoNodes());
        var before = PlannerWithTemplate("# version 1\n{{ config }}\n");
        var facts = desired.ToDictionary(n => n.Name, n => TestModels.Converged(before, n));
        Assert.DoesNotContain(before.Plan(desired, facts).Hosts, h => h.Changes.Count > 0);

        var after = PlannerWithTemplate("# version 2\n{{ config }}\n");
        var plan = after.Plan(desired, facts);

        Assert.All(plan.Hosts, host =>
        {
            var change = Assert.Single(host.Changes.OfType<ConfigFileChange>());
            Assert.True(change.TextOnly);
            Assert.Contains("the template's own text differs", change.Summary, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_key_the_template_writes_itself_is_compared_entry_by_entry()
    {
        var desired = DesiredStateBuilder.Build(TwoNodes());
        var facts = desired.ToDictionary(n => n.Name, n => TestModels.Converged(PlannerWithTemplate("{{ config }}\n"), n));

        var plan = PlannerWithTemplate("{{ config }}\nprofile: cis\n").Plan(desired, facts);

        Assert.All(plan.Hosts, host =>
        {
            var change = Assert.Single(host.Changes.OfType<ConfigFileChange>());
            Assert.False(change.TextOnly);
            Assert.Equal("profile", Assert.Single(change.Entries).Path);
        });
    }

    // --- host side: what the plan finds on a node (fake facts), a problem naming the file and key.

    private readonly Planner _planner = new("test", TestModels.Templates(), TestModels.Reveal);

    [Theory]
    [InlineData("token: stolen\n", "token")]
    [InlineData("t: stolen\n", "token")]
    [InlineData("server+: https://evil:9345\n", "server")]
    [InlineData("node-name: other\n", "node-name")]
    public void A_kept_drop_in_on_the_host_that_sets_a_managed_key_is_a_plan_problem(string content, string key)
    {
        var model = TwoNodes() with { ConfigDropIns = ConfigDropInPolicy.Keep };
        var desired = DesiredStateBuilder.Build(model);
        var facts = desired.ToDictionary(n => n.Name, n => TestModels.Converged(_planner, n) with
        {
            ConfigDropIns = n.Name == "a1" ? [new ConfigDropIn("90-x.yaml", content)] : [],
        });

        var plan = _planner.Plan(desired, facts);

        var a1 = Assert.Single(plan.Hosts, h => h.Node == "a1");
        var problem = Assert.Single(a1.Problems);
        Assert.StartsWith($"{Rke2Paths.ConfigDropInDirectory}/90-x.yaml sets config key", problem, StringComparison.Ordinal);
        Assert.Contains($"'{key}'", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("stolen", problem, StringComparison.Ordinal);
        Assert.Empty(Assert.Single(plan.Hosts, h => h.Node == "s1").Problems);
        Assert.True(plan.HasProblems);
    }

    [Fact]
    public void A_sysctl_the_host_does_not_have_is_a_plan_problem_and_nothing_is_written()
    {
        var model = TwoNodes() with { Sysctls = new Dictionary<string, string> { ["vm.swappiness"] = "10", ["net.no.such"] = "1" } };
        var desired = DesiredStateBuilder.Build(model);
        var facts = desired.ToDictionary(n => n.Name, n => TestModels.Converged(_planner, n) with
        {
            Sysctls = n.Sysctls.ToDictionary(e => e.Key, e => e.Key == "net.no.such" && n.Name == "s1" ? null : (string?)e.Value),
            ManagedSysctlFile = null,
        });

        var plan = _planner.Plan(desired, facts);

        var s1 = Assert.Single(plan.Hosts, h => h.Node == "s1");
        Assert.Equal(["sysctl net.no.such does not exist on this host (no /proc/sys/net/no/such): load the kernel module that provides it, or drop it from the playbook"], s1.Problems);
        Assert.DoesNotContain(s1.Changes, change => change is SysctlChange or SysctlFileChange);
        Assert.Contains(Assert.Single(plan.Hosts, h => h.Node == "a1").Changes, change => change is SysctlFileChange);
    }

    private async Task<IReadOnlyList<string>> ErrorsAsync(string path)
    {
        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        if (!result.Succeeded) return [.. result.Diagnostics.Select(d => d.ToString())];
        return [.. new ModelValidator().Validate(result.Model).Where(p => p.Severity == Severity.Error).Select(p => p.ToString())];
    }
}

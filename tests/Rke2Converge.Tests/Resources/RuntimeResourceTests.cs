using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Resources;

using System.Runtime.Versioning;

namespace Rke2Converge.Tests.Resources;

/// <summary>Registries, Manifest, EnvFile, SystemdDropIn and Command through the real fact script and steps, and what each does to the service.</summary>
[SupportedOSPlatform("linux")]
public sealed class RuntimeResourceTests : IDisposable
{
    private readonly ResourceHarness _node = new();

    public void Dispose() => _node.Dispose();

    private static RegistriesResource Registries() => new RegistriesResource()
        .Mirror("docker.io", ["https://mirror.lab.test:5000"], new Dictionary<string, string> { ["^rancher/(.*)"] = "mirror/rancher/$1" })
        .Config("mirror.lab.test:5000", username: "puller", password: SecretSource.FromEnv("RKE2C_TEST_UNUSED"), caFile: "/etc/ssl/mirror-ca.pem");

    [Fact]
    public async Task Registries_are_written_0600_with_the_secret_restart_the_service_and_never_show_it()
    {
        var plan = await _node.PlanAsync(Registries());
        var change = Assert.Single(plan.Changes.OfType<ResourceChange>());
        Assert.Equal("registries /etc/rancher/rke2/registries.yaml: create (0600) (needs restart)", change.Summary);
        // Entry by entry: the mirror in clear, every credential masked.
        Assert.Equal(
            [
                "+ mirrors.\"docker.io\".endpoint: [https://mirror.lab.test:5000]",
                "+ mirrors.\"docker.io\".rewrite.\"^rancher/(.*)\": mirror/rancher/$1",
                "+ configs.\"mirror.lab.test:5000\".auth.username: (sensitive)",
                "+ configs.\"mirror.lab.test:5000\".auth.password: (sensitive)",
                "+ configs.\"mirror.lab.test:5000\".tls.ca_file: /etc/ssl/mirror-ca.pem",
            ],
            change.Details);
        Assert.Equal(ServiceEffect.Restart, change.Effect);
        Assert.Equal(ServiceAction.Start, plan.Find<ServiceChange>()!.Action);
        await _node.ApplyAsync([change]);

        var written = File.ReadAllText(_node.Local(RegistriesResource.Path));
        Assert.Contains("mirrors:\n  docker.io:\n    endpoint:\n    - https://mirror.lab.test:5000\n    rewrite:\n      ^rancher/(.*): mirror/rancher/$1\n", written, StringComparison.Ordinal);
        Assert.Contains("configs:\n  mirror.lab.test:5000:\n    auth:\n      username: puller\n      password: " + ResourceHarness.Secret + "\n    tls:\n      ca_file: /etc/ssl/mirror-ca.pem\n", written, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_node.Local(RegistriesResource.Path)));
        Assert.Empty(await _node.ChangesAsync(Registries()));
        Assert.DoesNotContain(ResourceHarness.Secret, Rke2Converge.Plan.Rendering.PlanJsonWriter.ToJson(
            new Rke2Converge.Plan.ClusterPlan("test", Rke2Version.Parse("v1.32.5+rke2r1"), [plan], [])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registries_change_on_a_running_node_asks_for_exactly_one_restart()
    {
        var plan = await _node.PlanAsync(Registries(), new EnvFileResource().Set("HTTP_PROXY", "http://proxy:3128"));
        Assert.Equal(2, plan.Changes.OfType<ResourceChange>().Count(c => c.Effect.HasFlag(ServiceEffect.Restart)));
        Assert.Single(plan.Changes.OfType<ServiceChange>());
    }

    [Fact]
    public async Task A_manifest_lands_in_the_server_manifests_without_a_restart()
    {
        const string Yaml = "apiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\nmetadata:\n  name: rke2-ingress-nginx\n  namespace: kube-system\n";
        var manifest = new ManifestResource("rke2-ingress-nginx-config", Yaml);
        var plan = await _node.PlanAsync(manifest);
        var change = Assert.Single(plan.Changes.OfType<ResourceChange>());
        Assert.Equal("manifest /var/lib/rancher/rke2/server/manifests/rke2-ingress-nginx-config.yaml: create (0600)", change.Summary);
        Assert.Equal(ServiceEffect.None, change.Effect);
        await _node.ApplyAsync([change]);
        Assert.Equal(Yaml, File.ReadAllText(_node.Local(ManifestResource.Directory + "/rke2-ingress-nginx-config.yaml")));
        Assert.Empty(await _node.ChangesAsync(manifest));
        Assert.False(manifest.AppliesTo(TestModels.Node("a", "10.0.0.9", NodeRole.Agent)));
    }

    [Fact]
    public void The_env_file_and_drop_in_follow_the_node_role_and_quote_values_for_systemd()
    {
        var server = TestModels.Node("s", "10.0.0.1", NodeRole.EtcdOnly);
        var agent = TestModels.Node("a", "10.0.0.2", NodeRole.Agent);
        var env = new EnvFileResource().Set("HTTP_PROXY", "http://proxy:3128").Set("NO_PROXY", "a\"b\\c");
        Assert.Equal("/etc/default/rke2-server", env.PathFor(server));
        Assert.Equal("/etc/default/rke2-agent", env.PathFor(agent));
        var dropIn = new SystemdDropInResource("limits", "[Service]\nLimitNOFILE=1048576\n");
        Assert.Equal("/etc/systemd/system/rke2-agent.service.d/limits.conf", dropIn.PathFor(agent));
        Assert.Contains("probe_file /etc/default/rke2-agent 1", env.FactFragment(agent), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_env_file_renders_quoted_lines_and_a_drop_in_asks_for_daemon_reload_and_restart()
    {
        var env = new EnvFileResource().Set("HTTP_PROXY", "http://proxy:3128").Set("NO_PROXY", "a\"b\\c");
        var dropIn = new SystemdDropInResource("limits", "[Service]\nLimitNOFILE=1048576");
        var changes = await _node.ChangesAsync(env, dropIn);
        var envChange = changes.Single(c => c.Kind == "env-file");
        // Variable by variable, the values as systemd reads them.
        Assert.Equal(["+ HTTP_PROXY: http://proxy:3128", "+ NO_PROXY: a\"b\\c"], envChange.Details);
        Assert.Equal(ServiceEffect.Restart, envChange.Effect);
        Assert.Equal(ServiceEffect.DaemonReload | ServiceEffect.Restart, changes.Single(c => c.Kind == "systemd-drop-in").Effect);
    }

    [Fact]
    public async Task A_command_runs_until_the_path_it_creates_exists()
    {
        var command = new CommandResource("seed", "mkdir -p /var/lib/rancher/seed && echo ok > /var/lib/rancher/seed/done").Creates("/var/lib/rancher/seed/done");
        var change = Assert.Single(await _node.ChangesAsync(command));
        Assert.Equal("command seed: run (/var/lib/rancher/seed/done does not exist)", change.Summary);
        await _node.ApplyAsync([change]);
        Assert.Empty(await _node.ChangesAsync(command));
        File.Delete(_node.Local("/var/lib/rancher/seed/done"));
        Assert.Single(await _node.ChangesAsync(command));
    }

    [Fact]
    public async Task A_command_with_an_unless_check_runs_only_while_the_check_fails()
    {
        var command = new CommandResource("mark", "touch /etc/rancher/marked").Unless("test -f /etc/rancher/marked");
        await _node.ApplyAsync(await _node.ChangesAsync(command));
        Assert.True(File.Exists(_node.Local("/etc/rancher/marked")));
        Assert.Empty(await _node.ChangesAsync(command));
    }

    [Fact]
    public async Task TimeoutAfter_bounds_the_command_on_the_node_and_must_be_positive()
    {
        var command = new CommandResource("long", "touch /etc/rancher/long").Creates("/etc/rancher/long").TimeoutAfter(TimeSpan.FromMinutes(20));
        var change = Assert.IsType<ResourceChange>(Assert.Single(await _node.ChangesAsync(command)));
        Assert.Equal(TimeSpan.FromMinutes(20), Assert.Single(change.Steps).Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), Assert.IsType<ResourceChange>(Assert.Single(await _node.ChangesAsync(
            new CommandResource("default", "touch /etc/rancher/default").Creates("/etc/rancher/default")))).Steps[0].Timeout);
        Assert.Contains("command zero: timeout must be positive",
            new CommandResource("zero", "true").Creates("/etc/rancher/zero").TimeoutAfter(TimeSpan.Zero).Validate());
    }
}

using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Templates;

namespace Rke2Converge.Tests.Templates;

/// <summary>No playbook value, whatever it holds, adds a line or a key to a file rke2c writes.</summary>
public sealed class HostileValueTests
{
    public static TheoryData<string> Hostile() =>
    [
        "rel\nprofile: cis",
        "rel\r\nprofile: cis",
        "rel\rprofile: cis",
        "rel\u2028profile: cis",
        "rel\u2029profile: cis",
        "rel\u0085profile: cis",
        "rel\n\n",
        "profile: cis",
        "# profile: cis",
        "x #profile: cis",
        "'\"quoted'\"",
        "- profile",
        "{profile: cis}",
        "[profile, cis]",
        "&anchor profile",
        "*alias",
        "!!binary cHJvZmlsZQ==",
        "---\nprofile: cis",
        "...\nprofile: cis",
        "\tprofile: cis",
        " leading and trailing ",
        "\uFEFFprofile: cis",
        "ünïcødé ✓ 🚀",
        "a\0b",
    ];

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Config_yaml_reads_back_with_exactly_the_desired_keys_and_values(string hostile)
    {
        var model = TestModels.Cluster(
        [
            TestModels.Node("s1", "10.0.0.1", NodeRole.Server),
            TestModels.Node(hostile, "10.0.0.2", NodeRole.Agent, new ConfigMap { ["node-label"] = new[] { hostile, "ok=1" } }),
        ], config: new ConfigMap { ["tls-san"] = new[] { hostile }, ["custom"] = hostile, [hostile] = "value" }) with { Name = hostile };
        var planner = new Planner(hostile, TestModels.Templates(), TestModels.Reveal);

        foreach (var node in DesiredStateBuilder.Build(model))
        {
            var rendered = planner.RenderConfigFile(node);
            var read = ConfigYamlReader.Parse(rendered, "config.yaml");

            Assert.Equal(node.Config.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
            Assert.False(read.ContainsKey("profile"), rendered);
            Assert.Null(planner.Plan([node], new Dictionary<string, Rke2Converge.Facts.HostFacts> { [node.Name] = TestModels.Converged(planner, node) })
                .Hosts[0].Changes.FirstOrDefault(change => change.Kind == "config"));
            Assert.Equal(2, Lines(rendered).Count(line => line.StartsWith('#'))); // the header's two lines only
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void The_sysctl_file_has_the_header_and_one_line_per_sysctl(string hostile)
    {
        var model = TestModels.Cluster([TestModels.Node(hostile, "10.0.0.1", NodeRole.Server)]) with { Name = hostile };
        var planner = new Planner(hostile, TestModels.Templates(), TestModels.Reveal);
        var node = DesiredStateBuilder.Build(model)[0];

        var lines = Lines(planner.RenderSysctlFile(node));

        Assert.Equal(1 + node.Sysctls.Count, lines.Length);
        Assert.Equal(node.Sysctls.Select(entry => $"{entry.Key} = {entry.Value}"), lines.Skip(1));
    }

    [Fact]
    public void The_reported_cluster_name_writes_a_comment_not_a_profile_key()
    {
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server)]) with { Name = "rel\nprofile: cis" };
        var rendered = new Planner(model.Name, TestModels.Templates(), TestModels.Reveal).RenderConfigFile(DesiredStateBuilder.Build(model)[0]);

        Assert.StartsWith("# Managed by rke2c: node s1 (server) of cluster rel\\nprofile: cis, RKE2 v1.32.5+rke2r1.\n", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("\nprofile", rendered, StringComparison.Ordinal);
    }

    // Every line break a YAML 1.1 or sysctl reader could honour.
    private static string[] Lines(string text) => text.TrimEnd('\n').Split(['\n', '\r', '\u0085', '\u2028', '\u2029']);
}

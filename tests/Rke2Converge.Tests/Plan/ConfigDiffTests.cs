using Rke2Converge.Model;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Templates;

namespace Rke2Converge.Tests.Plan;

public sealed class ConfigDiffTests
{
    private readonly ConfigDiff _diff = new(TestModels.Reveal);

    private static ConfigMap Desired() => new()
    {
        ["token"] = TestModels.TokenSource,
        ["protect-kernel-defaults"] = true,
        ["kubelet-arg"] = new[] { "max-pods=200" },
        ["tls-san"] = new[] { "a.example", "b.example" },
        ["etcd-snapshot-retention"] = 10,
    };

    private static ConfigMap Parse(string yaml) => ConfigYamlReader.Parse(yaml, "test");

    [Fact]
    public void Typed_desired_values_equal_their_yaml_text()
    {
        var actual = Parse($"token: {TestModels.Token}\nprotect-kernel-defaults: true\nkubelet-arg: [max-pods=200]\ntls-san:\n- a.example\n- b.example\netcd-snapshot-retention: \"10\"\n");

        Assert.Empty(_diff.Compare(Desired(), actual));
    }

    [Fact]
    public void List_items_are_diffed_one_by_one()
    {
        var actual = Parse($"token: {TestModels.Token}\nprotect-kernel-defaults: true\nkubelet-arg: [max-pods=200]\ntls-san: [a.example, old.example]\netcd-snapshot-retention: 10\n");

        var changes = _diff.Compare(Desired(), actual);

        Assert.Equal(["- tls-san[]: old.example", "+ tls-san[]: b.example"], changes.Select(c => c.ToString()));
    }

    [Fact]
    public void Reordered_list_is_one_change()
    {
        var actual = Parse($"token: {TestModels.Token}\nprotect-kernel-defaults: true\nkubelet-arg: [max-pods=200]\ntls-san: [b.example, a.example]\netcd-snapshot-retention: 10\n");

        var change = Assert.Single(_diff.Compare(Desired(), actual));

        Assert.Equal("~ tls-san: [b.example, a.example] → [a.example, b.example]", change.ToString());
    }

    [Fact]
    public void Keys_added_removed_and_changed_are_named_with_nested_paths()
    {
        var desired = new ConfigMap { ["cni"] = "canal", ["etcd"] = new Dictionary<string, object> { ["quota"] = 8, ["x"] = "y" } };
        var actual = Parse("etcd:\n  quota: 4\nstray: 1\n");

        var changes = _diff.Compare(desired, actual).Select(c => c.ToString()).ToList();

        Assert.Equal(["+ cni: canal", "~ etcd.quota: 4 → 8", "+ etcd.x: y", "- stray: 1"], changes);
    }

    [Fact]
    public void Secrets_never_appear_in_a_change_even_when_they_differ()
    {
        var actual = Parse("token: previous-token-value\nagent-token: plain-agent-token\n");
        var desired = new ConfigMap { ["token"] = TestModels.TokenSource };

        var changes = _diff.Compare(desired, actual);

        Assert.Equal(2, changes.Count);
        Assert.All(changes, change => Assert.True(change.Sensitive));
        var text = string.Join("\n", changes.Select(c => $"{c} {c.Before} {c.After}"));
        Assert.DoesNotContain(TestModels.Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("previous-token-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-agent-token", text, StringComparison.Ordinal);
        Assert.Contains(SecretValue.Mask, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_desired_value_means_the_key_must_be_absent()
    {
        var desired = new ConfigMap { ["profile"] = null };

        Assert.Empty(_diff.Compare(desired, Parse("{}")));
        Assert.Equal("- profile: cis", Assert.Single(_diff.Compare(desired, Parse("profile: cis"))).ToString());
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Rke2Converge.IntegrationTests.Lab;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>
/// Config values that look like YAML syntax, shell or templates land in config.yaml on the host as the same strings,
/// read the way RKE2 reads them (go-yaml, YAML 1.1: a plain <c>yes</c> would be a boolean, <c>1e3</c> a number).
/// </summary>
[Collection(Clusters.Name)]
public sealed partial class LiteralConfigValuesTests
{
    private static readonly string[] Literals =
    [
        "a=b: c # d", "'single' \"double\"", "true", "null", "~", "0x10", "1e3", "- item", "&anchor *alias !tag",
        "{a: b} [c]", "%percent @at `back`", "  leading and trailing  ", "line1\nline2", "ünïcødé 日本語 🚀",
        "$(touch /tmp/rke2c-pwned) `id` ${HOME}", "{{yaml}} {{{cluster}}}", "#not a comment", "key: value", "2001-12-14",
        "yes", "off", "On", "n", "Y",
    ];

    // go-yaml v2's resolve table for plain scalars: YAML 1.1 booleans, nulls, numbers (any base, '_' ignored).
    // Timestamps stay strings when decoded into interface{}, as k3s's configfilearg does.
    [GeneratedRegex(@"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|<<|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+|[0-9][0-9_]*))?$")]
    private static partial Regex NotAStringWhenPlain();

    [Fact]
    public async Task Config_values_land_on_the_host_as_the_literal_strings()
    {
        await using var lab = await LabEnvironment.UpAsync("it-literal", 1, new LabOptions { Net = 75 });
        var rke2c = new Rke2cDriver(lab.Name);
        var body = $"Config[\"kubelet-arg\"] = new[] {{ {string.Join(", ", Literals.Select(CSharp))} }};\n"
            + "Config[\"etcd-snapshot-name\"] = \"false\";\n"
            + Node(lab, "Server", "solo", 1) + JoinOrder("solo");
        var playbook = rke2c.WritePlaybook("site.csx", Header(lab) + body);

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);
        Assert.True(apply.Exit == 0, apply.ToString());
        var yaml = await lab.ExecOkAsync(1, "cat /etc/rancher/rke2/config.yaml");

        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var args = ((YamlSequenceNode)root.Children[new YamlScalarNode("kubelet-arg")]).Children.Cast<YamlScalarNode>().ToList();
        Assert.Equal(Literals, args.Select(a => a.Value));
        Assert.All(args, AString);
        var name = (YamlScalarNode)root.Children[new YamlScalarNode("etcd-snapshot-name")];
        Assert.Equal("false", name.Value);
        AString(name);

        var again = await rke2c.RunAsync("plan", playbook);
        Assert.True(again.Exit == 0, $"literal values drift on the next plan:\n{again}");
    }

    private static void AString(YamlScalarNode scalar)
    {
        var plainButSpecial = scalar.Style == ScalarStyle.Plain
            && (NotAStringWhenPlain().IsMatch(scalar.Value!)
                || double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        Assert.False(plainButSpecial, $"'{scalar.Value}' is written plain, so RKE2 would not read it as a string");
    }

    private static string CSharp(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}

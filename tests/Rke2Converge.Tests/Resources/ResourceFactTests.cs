using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Resources;

namespace Rke2Converge.Tests.Resources;

/// <summary>Parsing and diffing from recorded fact output: kernel modules, packages, malformed records.</summary>
public sealed class ResourceFactTests
{
    private static readonly NodeSpec Node = TestModels.Node("n1", "10.0.0.1", NodeRole.Server);

    private static string Output(params string[] resourceLines) =>
        string.Join('\n', [
            FactScript.Header,
            "managed-sysctl missing", "config missing", "pending missing", "rke2-version missing",
            "unit rke2-server 0  inactive", "unit rke2-agent 0  inactive",
            "os-release present " + Convert.ToBase64String("ID=debian\nVERSION_ID=12\n"u8.ToArray()),
            "arch eDg2XzY0", "hostname bjE=",
            .. resourceLines,
            FactScript.Trailer]) + "\n";

    private static ResourceChange? Diff(Resource resource, string output, string osId = "debian")
    {
        var facts = FactParser.Parse("n1", output, [], [resource]) with { OsId = osId };
        var desired = DesiredStateBuilder.Build(TestModels.Cluster([Node]))[0];
        return resource.Diff(facts.Resources[resource.Key], new ResourceContext(desired, facts, TestModels.Reveal));
    }

    [Fact]
    public void A_module_not_loaded_and_not_persisted_gets_a_file_and_a_modprobe()
    {
        var module = new KernelModuleResource("br_netfilter");
        var change = Diff(module, Output("res 0 loaded 0", "res 0 missing"))!;
        Assert.Equal("kernel-module br_netfilter: /etc/modules-load.d/rke2c-br_netfilter.conf create (0644), load (modprobe)", change.Summary);
        Assert.Equal(["write /etc/modules-load.d/rke2c-br_netfilter.conf", "modprobe br_netfilter"], change.Steps.Select(s => s.Description));
        Assert.Equal(ServiceEffect.None, change.Effect);
    }

    [Fact]
    public void A_loaded_and_persisted_module_is_no_change()
    {
        var content = "# Loaded at boot for RKE2; managed by rke2c.\nbr_netfilter\n";
        var record = $"res 0 file {FileState.Sha256Of(content)} 644 {Convert.ToBase64String("root:root"u8.ToArray())} {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(content))}";
        Assert.Null(Diff(new KernelModuleResource("br_netfilter"), Output("res 0 loaded 1", record)));
    }

    [Theory]
    [InlineData("debian", "apt-get install")]
    [InlineData("rocky", "dnf install")]
    [InlineData("sles", "zypper --non-interactive install")]
    public void A_missing_package_is_installed_with_the_os_package_manager(string osId, string expected)
    {
        var change = Diff(new PackageResource("nfs-common"), Output("res 0 installed 0"), osId)!;
        Assert.Equal("package nfs-common: install", change.Summary);
        Assert.Contains(expected, Assert.Single(change.Steps).Script, StringComparison.Ordinal);
        Assert.Equal(["nfs-common"], change.Steps[0].Arguments);
    }

    [Fact]
    public void An_installed_package_declared_absent_is_removed_and_an_unknown_os_is_a_problem()
    {
        Assert.Equal("package telnet: remove", Diff(new PackageResource("telnet").Absent(), Output("res 0 installed 1"))!.Summary);
        var facts = FactParser.Parse("n1", Output("res 0 installed 0"), [], [new PackageResource("x")]) with { OsId = "plan9" };
        var context = new ResourceContext(DesiredStateBuilder.Build(TestModels.Cluster([Node]))[0], facts, TestModels.Reveal);
        Assert.Null(new PackageResource("x").Diff(facts.Resources["package x"], context));
        Assert.Contains("plan9", Assert.Single(context.Problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("res 0 loaded maybe", "neither 0 nor 1")]
    [InlineData("res 0 dir", "expected a 'loaded' record, found 'dir'")]
    [InlineData("res 7 loaded 1", "only 1 were asked about")]
    [InlineData("res x loaded 1", "is not a number")]
    public void Malformed_resource_records_are_a_fact_error_naming_the_node(string line, string expected)
    {
        var error = Assert.Throws<FactParseException>(() => FactParser.Parse("n1", Output(line, "res 0 missing"), [], [new KernelModuleResource("br_netfilter")]));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("n1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fragments_are_numbered_and_quoted_in_the_one_fact_script()
    {
        var command = FactScript.Build([], [new FileResource("/etc/it's here", "x", "0644", null).FactFragment(Node), new KernelModuleResource("dummy").FactFragment(Node)]);
        Assert.Contains("R=0\nprobe_file '/etc/it'\\''s here' 1\n", command.Script, StringComparison.Ordinal);
        Assert.Contains("R=1\n", command.Script, StringComparison.Ordinal);
        Assert.EndsWith($"echo '{FactScript.Trailer}'\n", command.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_diffs_show_removed_and_added_lines_only()
    {
        Assert.Equal(["- b", "+ B", "+ d"], TextDiff.Lines("a\nb\nc\n", "a\nB\nc\nd\n"));
        Assert.Empty(TextDiff.Lines("same\n", "same\n"));
    }
}

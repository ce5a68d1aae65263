using Rke2Converge.Model;
using Rke2Converge.Templates;
using Xunit;

namespace Rke2Converge.Tests.Templates;

/// <summary>RKE2 reads config.yaml with go-yaml v2 (YAML 1.1): a plain <c>yes</c> or <c>off</c> would be a boolean.</summary>
public sealed class ConfigYamlWriterTests
{
    [Theory]
    [InlineData("yes")]
    [InlineData("off")]
    [InlineData("On")]
    [InlineData("n")]
    [InlineData("Y")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("~")]
    public void Strings_that_YAML_1_1_would_read_as_another_type_are_quoted(string text)
    {
        var yaml = ConfigYamlWriter.ToYaml(new ConfigMap { ["etcd-snapshot-name"] = text }, _ => "");

        Assert.Equal($"etcd-snapshot-name: \"{text}\"\n", yaml);
    }

    [Fact]
    public void Real_booleans_and_ordinary_words_stay_plain()
    {
        var yaml = ConfigYamlWriter.ToYaml(new ConfigMap { ["protect-kernel-defaults"] = true, ["cni"] = "canal" }, _ => "");

        Assert.Contains("protect-kernel-defaults: true\n", yaml, StringComparison.Ordinal);
        Assert.Contains("cni: canal\n", yaml, StringComparison.Ordinal);
    }
}

using Rke2Converge.Model.Validation;
using Rke2Converge.Playbooks;

namespace Rke2Converge.Tests.Model;

/// <summary>The profile values each release's rke2 accepts (rancher/rke2 pkg/cli/cmds/profile_linux.go).</summary>
public sealed class ProfileRulesTests
{
    [Theory]
    [InlineData("v1.32.5+rke2r1", "cis", null)]
    [InlineData("v1.32.5+rke2r1", "cis-1.23", null)]
    [InlineData("v1.32.5+rke2r1", "cis-1.6", "config profile 'cis-1.6' on s1, a1: rke2 v1.32.5+rke2r1 accepts only cis or cis-1.23 and would exit with 'invalid value provided for --profile flag'")]
    [InlineData("v1.32.5+rke2r1", "etcd", "accepts only cis or cis-1.23")]
    [InlineData("v1.34.1+rke2r1", "etcd", null)]
    [InlineData("v1.34.1+rke2r1", "cis-1.23", "rke2 v1.34.1+rke2r1 accepts only cis or etcd")]
    [InlineData("v1.27.9+rke2r1", "cis-1.6", null)]
    public void A_profile_the_release_does_not_know_is_an_error_at_its_line(string version, string profile, string? expected)
    {
        var playbook = new PlaybookGlobals("/playbooks/site.csx");
        playbook.Cluster("lab").Version(version).Token(playbook.Secret.FromEnv("RKE2_TOKEN"));
        playbook.Server("s1", "127.0.0.1");
        playbook.Agent("a1", "127.0.0.2");
        playbook.JoinOrder("s1");
        playbook.Config["profile"] = profile;

        var problems = new ModelValidator().Validate(playbook.ToModel()).Where(p => p.Message.Contains("profile", StringComparison.Ordinal)).ToList();

        if (expected is null)
        {
            Assert.Empty(problems);
            return;
        }
        var problem = Assert.Single(problems);
        Assert.Equal(Severity.Error, problem.Severity);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("ProfileRulesTests.cs", problem.At?.File, StringComparison.Ordinal);
    }
}

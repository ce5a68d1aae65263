using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Playbooks;

namespace Rke2Converge.Tests.Model;

/// <summary>RKE2 ignores config keys it does not know, so rke2c warns, with the nearest of RKE2's own flags.</summary>
public sealed class ConfigKeyWarningTests
{
    [Theory]
    [InlineData("tls_san", "did you mean 'tls-san'?")]
    [InlineData("kubelet-args", "did you mean 'kubelet-arg'?")]
    [InlineData("Tls-San", "did you mean 'tls-san'?")]
    [InlineData("protect-kernel-default", "did you mean 'protect-kernel-defaults'?")]
    [InlineData("node-lable", "did you mean 'node-label'?")]
    [InlineData("etcd-snapshot-retension", "did you mean 'etcd-snapshot-retention'?")]
    [InlineData("completely-made-up-option", "RKE2 ignores it")]
    public void An_unknown_key_warns_and_suggests_the_nearest_flag(string key, string expected)
    {
        var p = Valid();
        p.Config[key] = "x";

        var problem = Assert.Single(new ModelValidator().Validate(p.ToModel()));

        Assert.Equal(Severity.Warning, problem.Severity);
        Assert.StartsWith($"config key '{key}' (cluster-wide) is not an RKE2 server or agent option; RKE2 ignores it", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith(expected, problem.Message, StringComparison.Ordinal);
        Assert.NotNull(problem.At);
    }

    [Theory]
    [InlineData("tls-san")]
    [InlineData("tls-san+")]
    [InlineData("kubelet-arg")]
    [InlineData("node-label+")]
    [InlineData("profile")]
    [InlineData("cni")]
    [InlineData("etcd-expose-metrics")]
    [InlineData("write-kubeconfig-mode")]
    [InlineData("kube-apiserver-extra-mount")]
    public void Keys_rke2_documents_pass_without_a_word(string key)
    {
        var p = Valid();
        // profile's values are checked on their own (ProfileRulesTests): only a value the release accepts says nothing.
        p.Config[key] = key == "profile" ? "cis" : "x";

        Assert.Empty(new ModelValidator().Validate(p.ToModel()));
    }

    [Fact]
    public void A_server_only_key_set_for_agents_warns_that_agents_ignore_it()
    {
        var p = Valid();
        p.Role(NodeRole.Agent).Config["tls-san"] = new[] { "x" };
        p.Node("a1").Config["cluster-cidr"] = "10.42.0.0/16";

        var problems = new ModelValidator().Validate(p.ToModel());

        Assert.Equal(
            ["config key 'tls-san' (role agent) is read by rke2 server only; rke2 agent ignores it",
             "config key 'cluster-cidr' (node a1) is read by rke2 server only; rke2 agent ignores it"],
            problems.Select(q => q.Message));
        Assert.All(problems, q => Assert.Equal(Severity.Warning, q.Severity));
    }

    [Fact]
    public void The_key_list_is_rke2s_own()
    {
        Assert.Equal(Rke2Command.Server, Rke2ConfigKeys.CommandsReading("tls-san"));
        Assert.Equal(Rke2Command.Server | Rke2Command.Agent, Rke2ConfigKeys.CommandsReading("kubelet-arg"));
        Assert.Equal(Rke2Command.Server | Rke2Command.Agent, Rke2ConfigKeys.CommandsReading("token"));
        // Dropped by RKE2 from K3s's flags (server.go: dropFlag), so RKE2 ignores them.
        Assert.Equal(Rke2Command.None, Rke2ConfigKeys.CommandsReading("flannel-backend"));
        Assert.Equal(Rke2Command.None, Rke2ConfigKeys.CommandsReading("cluster-init"));
        Assert.True(Rke2ConfigKeys.All.Count > 100);
    }

    private static PlaybookGlobals Valid()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Cluster("lab").Version("v1.32.5+rke2r1").Token(p.Secret.FromEnv("RKE2_TOKEN"));
        p.Server("s1", "127.0.0.1"); p.Agent("a1", "127.0.0.4");
        return p;
    }
}

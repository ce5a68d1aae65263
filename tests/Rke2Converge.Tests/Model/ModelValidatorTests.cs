using System.Runtime.CompilerServices;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Playbooks;
using Xunit;

namespace Rke2Converge.Tests.Model;

public sealed class ModelValidatorTests
{
    private static readonly string ThisFile = FilePath();

    [Fact]
    public void CleanModelHasNoProblems()
    {
        var playbook = Valid();
        playbook.Config["protect-kernel-defaults"] = true;
        playbook.Sysctl("vm.overcommit_memory", 1);
        playbook.Config["agent-token"] = playbook.Secret.FromEnv("AGENT_TOKEN");
        playbook.Config["cluster-cidr"] = "10.42.0.0/16";

        Assert.Empty(Validate(playbook));
    }

    [Fact]
    public void SampleSplitRoleClusterIsClean()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Cluster("prod").Version("v1.32.5+rke2r1").Token(p.Secret.FromEnv("RKE2_TOKEN"));
        p.Etcd("etcd-1", "10.0.0.11"); p.ControlPlane("cp-1", "10.0.1.11"); p.Agent("worker-1", "10.0.2.11");
        p.JoinOrder("etcd-1", "cp-1");

        Assert.Empty(Validate(p));
    }

    [Fact]
    public void BlankClusterName()
    {
        var p = Valid(name: "  ");
        var problem = Single(p);
        Assert.Contains("cluster name is missing", problem.Message, StringComparison.Ordinal);
        Assert.Equal(ThisFile, problem.At?.File);
    }

    [Fact]
    public void MissingClusterName()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Server("s1", "127.0.0.1"); p.JoinOrder("s1");
        var problems = Validate(p);
        Assert.Contains(problems, q => q.Message.Contains("cluster name is missing", StringComparison.Ordinal));
        Assert.Contains(problems, q => q.Message.Contains("RKE2 version is missing", StringComparison.Ordinal));
        Assert.Contains(problems, q => q.Message.Contains("cluster token is missing", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void MissingVersion()
    {
        var p = Valid(version: null);
        Assert.Contains("RKE2 version is missing", Single(p).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidVersionIsNamedWithItsLine()
    {
        var p = Valid(version: "1.32.5");
        var problem = Single(p);
        Assert.Equal("RKE2 version '1.32.5' is invalid; expected the form v1.32.5+rke2r1", problem.Message);
        Assert.Equal(Severity.Error, problem.Severity);
        Assert.NotNull(problem.At);
        Assert.Equal($"{ThisFile}:{problem.At.Line}: error: RKE2 version '1.32.5' is invalid; expected the form v1.32.5+rke2r1", problem.ToString());
    }

    [Fact]
    public void MissingToken()
    {
        var p = Valid(withToken: false);
        Assert.Contains("cluster token is missing", Single(p).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoNodes()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Cluster("c").Version("v1.32.5+rke2r1").Token(p.Secret.FromEnv("T"));
        Assert.StartsWith("no nodes declared", Single(p).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNodeNamesPointAtTheSecondDeclaration()
    {
        var p = Valid();
        var line = Line(); p.Agent("s2", "127.0.0.9");
        var problem = Single(p);
        Assert.StartsWith("node name 's2' is declared 2 times (at ", problem.Message, StringComparison.Ordinal);
        Assert.Equal(line, problem.At?.Line);
    }

    [Fact]
    public void DuplicateAddressesNameBothNodes()
    {
        var p = Valid();
        p.Agent("a2", "127.0.0.4");
        Assert.Equal("nodes a1, a2 share address 127.0.0.4", Single(p).Message);
    }

    [Fact]
    public void InvalidNodeName()
    {
        var p = Valid();
        var line = Line(); p.Agent("Worker_1", "127.0.0.9");
        var problem = Single(p);
        Assert.StartsWith("node name 'Worker_1' is not a valid RFC 1123 label", problem.Message, StringComparison.Ordinal);
        Assert.Equal(line, problem.At?.Line);
    }

    [Fact]
    public void BlankAddress()
    {
        var p = Valid();
        p.Agent("a2", " ");
        Assert.Equal("node 'a2' has no address", Single(p).Message);
    }

    [Fact]
    public void JoinOrderNamingUnknownNode()
    {
        var p = Valid(joinOrder: ["s1", "s2", "s3", "ghost"]);
        var problem = Single(p);
        Assert.Equal("join order names unknown node 'ghost'", problem.Message);
        Assert.Equal(ThisFile, problem.At?.File);
    }

    [Fact]
    public void JoinOrderNamingAnAgent()
    {
        var p = Valid(joinOrder: ["s1", "s2", "s3", "a1"]);
        Assert.StartsWith("join order names agent 'a1'", Single(p).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JoinOrderNamingANodeTwice()
    {
        var p = Valid(joinOrder: ["s1", "s2", "s3", "s2"]);
        Assert.Equal("join order names 's2' twice", Single(p).Message);
    }

    [Fact]
    public void JoinOrderLeavingOutServersListsThem()
    {
        var p = Valid(joinOrder: ["s2"]);
        Assert.Equal("join order leaves out servers: s1, s3", Single(p).Message);
    }

    [Fact]
    public void NoJoinOrderWhileThereAreServers()
    {
        var p = Valid(joinOrder: []);
        Assert.StartsWith("no join order declared", Single(p).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlPlaneOnlyNodeFirstInJoinOrder()
    {
        var p = Valid(joinOrder: ["cp", "s1", "s2", "s3"]);
        p.ControlPlane("cp", "127.0.0.7");
        Assert.StartsWith("join order starts with control-plane-only node 'cp'", Single(p).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoEtcdBearingServer()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Cluster("c").Version("v1.32.5+rke2r1").Token(p.Secret.FromEnv("T"));
        p.ControlPlane("cp-1", "127.0.0.1"); p.ControlPlane("cp-2", "127.0.0.2");
        p.JoinOrder("cp-2", "cp-1");
        var problems = Validate(p);
        Assert.Contains(problems, q => q.Message.StartsWith("no node carries etcd", StringComparison.Ordinal));
        Assert.Contains(problems, q => q.Message.StartsWith("join order starts with control-plane-only node 'cp-2'", StringComparison.Ordinal));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void InvalidSysctlKeyPointsAtItsLine()
    {
        var p = Valid();
        var line = Line(); p.Sysctl("net.ipv4/ip_forward", 1);
        var problem = Single(p);
        Assert.StartsWith("sysctl key 'net.ipv4/ip_forward' (cluster-wide) is invalid", problem.Message, StringComparison.Ordinal);
        Assert.Equal(line, problem.At?.Line);
    }

    [Fact]
    public void EmptySysctlValueOnANode()
    {
        var p = Valid();
        p.Server("s4", "127.0.0.8").Sysctl("net.ipv4.ip_forward", "");
        p.JoinOrder("s1", "s2", "s3", "s4");
        Assert.Equal("sysctl net.ipv4.ip_forward (node s4) has an empty value", Single(p).Message);
    }

    [Fact]
    public void MultiLineSysctlValue()
    {
        var p = Valid();
        p.Sysctl("kernel.panic", "10\nkernel.panic_on_oops=0");
        Assert.Equal("sysctl kernel.panic (cluster-wide) has a value spanning several lines", Single(p).Message);
    }

    [Theory]
    [InlineData("token", "Token(Secret.FromEnv")]
    [InlineData("server", "JoinOrder")]
    [InlineData("disable-etcd", "ControlPlane(...)")]
    [InlineData("disable-apiserver", "Etcd(...)")]
    [InlineData("disable-controller-manager", "Etcd(...)")]
    [InlineData("disable-scheduler", "Etcd(...)")]
    [InlineData("cluster-reset", "docs/operations/restore.md")]
    [InlineData("cluster-reset-restore-path", "every later start of the server would reset etcd again")]
    [InlineData("cluster_reset", "a one-shot flag")]
    public void EngineOwnedKeysAsPlainConfigSayWhatToUseInstead(string key, string advice)
    {
        var p = Valid();
        var line = Line(); p.Config[key] = "x";
        var problem = Single(p);
        Assert.StartsWith($"config key '{key}' (cluster-wide) is managed by rke2c", problem.Message, StringComparison.Ordinal);
        Assert.Contains(advice, problem.Message, StringComparison.Ordinal);
        Assert.Equal(line, problem.At?.Line);
    }

    [Fact]
    public void EngineOwnedKeyOnARoleOrNodeIsNamedWithItsScope()
    {
        var p = Valid();
        p.Role(NodeRole.Agent).Config["server"] = "https://x:9345";
        p.Agent("a2", "127.0.0.5").Config["disable-etcd"] = true;
        var problems = Validate(p);
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("config key 'server' (role agent)", problems[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("config key 'disable-etcd' (node a2)", problems[1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node-name", "Server(\"name\"")]
    [InlineData("token-file", "Secret.FromFile")]
    [InlineData("with-node-id", "gates look for that name")]
    public void KeysTheReadmeSaysAreRefusedAreRefused(string key, string advice)
    {
        var p = Valid();
        var line = Line(); p.Node("a1").Config[key] = "x";
        var problem = Single(p);
        Assert.StartsWith($"config key '{key}' (node a1) is managed by rke2c", problem.Message, StringComparison.Ordinal);
        Assert.Contains(advice, problem.Message, StringComparison.Ordinal);
        Assert.Equal(line, problem.At?.Line);
    }

    [Fact]
    public void PlainAgentTokenMustBeASecret()
    {
        var p = Valid();
        p.Config["agent-token"] = "hunter2";
        Assert.StartsWith("config key 'agent-token' (cluster-wide) must be a secret", Single(p).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysThatMustMatchAcrossServersNameKeyAndNodes()
    {
        var p = Valid();
        p.Config["cluster-cidr"] = "10.42.0.0/16";
        var line = Line(); p.Node("s3").Config["cluster-cidr"] = "10.50.0.0/16";
        p.Node("a1").Config["cluster-cidr"] = "10.99.0.0/16"; // agents do not take part (and ignore the key, which warns)
        var problems = Validate(p);
        Assert.Contains(problems, q => q.Severity == Severity.Warning && q.Message.Contains("rke2 agent ignores it", StringComparison.Ordinal));
        var problem = Assert.Single(problems, q => q.Severity == Severity.Error);
        Assert.Equal(
            "config key 'cluster-cidr' must be the same on every server (rke2 rejects a mismatching server), "
            + "but differs: s1, s2 = 10.42.0.0/16; s3 = 10.50.0.0/16",
            problem.Message);
        Assert.Equal(line, problem.At?.Line);
    }

    [Fact]
    public void MustMatchKeySetOnlyOnOneServerRoleDiffers()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Cluster("c").Version("v1.32.5+rke2r1").Token(p.Secret.FromEnv("T"));
        p.Etcd("e1", "127.0.0.1"); p.ControlPlane("c1", "127.0.0.2");
        p.JoinOrder("e1", "c1");
        p.Role(NodeRole.ControlPlaneOnly).Config["disable-kube-proxy"] = true;
        Assert.Contains("'disable-kube-proxy' must be the same on every server", Single(p).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContradictingKernelFlagUnderProtectKernelDefaultsWarns()
    {
        var p = Valid();
        p.Config["protect-kernel-defaults"] = true;
        var line = Line(); p.Sysctl("vm.overcommit_memory", 0);
        var problem = Single(p);
        Assert.Equal(Severity.Warning, problem.Severity);
        Assert.Equal(
            "sysctl vm.overcommit_memory is declared as 0, but protect-kernel-defaults on nodes s1, s2, s3, a1 requires 1: "
            + "the kubelet refuses to start otherwise",
            problem.Message);
        Assert.Equal(line, problem.At?.Line);
        Assert.StartsWith($"{ThisFile}:{line}: warning: ", problem.ToString(), StringComparison.Ordinal);
        Assert.False(new[] { problem }.HasErrors());
    }

    [Fact]
    public void CisProfileOnOneNodeWarnsForThatNodeOnly()
    {
        var p = Valid();
        p.Node("a1").Config["profile"] = "cis";
        p.Node("a1").Sysctl("kernel.panic", 0);
        p.Node("s1").Sysctl("kernel.panic", 0); // s1 does not protect kernel defaults
        var problem = Single(p);
        Assert.Equal(Severity.Warning, problem.Severity);
        Assert.StartsWith("sysctl kernel.panic is declared as 0, but protect-kernel-defaults on node a1 requires 10", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SshPortOutOfRange()
    {
        var p = Valid();
        p.Node("a1").Ssh(port: 70000);
        p.Ssh(port: 0);
        var problems = Validate(p);
        Assert.Equal(["default ssh port 0 is out of range (1-65535)", "node 'a1' ssh port 70000 is out of range (1-65535)"],
            problems.Select(q => q.Message));
    }

    [Fact]
    public void KernelFlagsRequiredByProtectKernelDefaults()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["vm.overcommit_memory"] = "1", ["vm.panic_on_oom"] = "0", ["kernel.panic"] = "10", ["kernel.panic_on_oops"] = "1" },
            KernelFlags.RequiredByProtectKernelDefaults);
    }

    private static PlaybookGlobals Valid(
        string name = "lab", string? version = "v1.32.5+rke2r1", bool withToken = true, string[]? joinOrder = null)
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        var cluster = p.Cluster(name);
        if (version is not null) cluster.Version(version);
        if (withToken) cluster.Token(p.Secret.FromEnv("RKE2_TOKEN"));
        p.Server("s1", "127.0.0.1"); p.Server("s2", "127.0.0.2"); p.Server("s3", "127.0.0.3");
        p.Agent("a1", "127.0.0.4");
        p.JoinOrder(joinOrder ?? ["s1", "s2", "s3"]);
        return p;
    }

    private static IReadOnlyList<ValidationProblem> Validate(PlaybookGlobals playbook) => new ModelValidator().Validate(playbook.ToModel());

    private static ValidationProblem Single(PlaybookGlobals playbook)
    {
        var problems = Validate(playbook);
        Assert.True(problems.Count == 1, "expected one problem, got:\n" + string.Join("\n", problems));
        return problems[0];
    }

    private static int Line([CallerLineNumber] int line = 0) => line;

    private static string FilePath([CallerFilePath] string file = "") => file;
}

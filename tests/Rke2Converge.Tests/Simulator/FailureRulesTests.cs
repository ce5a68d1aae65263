using Rke2Sim.Cluster;
using Rke2Sim.Config;
using Rke2Sim.Kernel;
using Rke2Sim.Versions;
using Xunit;

namespace Rke2Converge.Tests.Simulator;

public sealed class KernelParametersTests
{
    private static Dictionary<string, string?> KernelDefaults() => new()
    {
        ["vm.overcommit_memory"] = "0",
        ["vm.panic_on_oom"] = "0",
        ["kernel.panic"] = "0",
        ["kernel.panic_on_oops"] = "0",
        ["kernel.keys.root_maxkeys"] = "1000000",
        ["kernel.keys.root_maxbytes"] = "25000000",
    };

    [Fact]
    public void KernelDefaultsViolateTheCisProfile()
    {
        var problems = KernelParameters.CisViolations(KernelDefaults());
        Assert.Contains("invalid kernel parameter value vm.overcommit_memory=0 - expected 1", problems);
        Assert.Contains("invalid kernel parameter value kernel.panic=0 - expected 10", problems);
        Assert.Contains("invalid kernel parameter value kernel.panic_on_oops=0 - expected 1", problems);
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void KubeletReportsFlagsWithSlashes()
    {
        var problems = KernelParameters.KubeletViolations(KernelDefaults());
        Assert.Contains("invalid kernel flag: kernel/panic, expected value: 10, actual value: 0", problems);
        Assert.Contains("invalid kernel flag: vm/overcommit_memory, expected value: 1, actual value: 0", problems);
    }

    [Fact]
    public void KubeletAlsoChecksKeyLimits()
    {
        var values = Fixed();
        values["kernel.keys.root_maxkeys"] = "200";
        Assert.Equal(["invalid kernel flag: kernel/keys/root_maxkeys, expected value: 1000000, actual value: 200"], KernelParameters.KubeletViolations(values));
        Assert.Empty(KernelParameters.CisViolations(values));
    }

    [Fact]
    public void HardenedValuesPass()
    {
        Assert.Empty(KernelParameters.CisViolations(Fixed()));
        Assert.Empty(KernelParameters.KubeletViolations(Fixed()));
    }

    private static Dictionary<string, string?> Fixed()
    {
        var values = KernelDefaults();
        values["vm.overcommit_memory"] = "1";
        values["kernel.panic"] = "10";
        values["kernel.panic_on_oops"] = "1\n";
        return values;
    }
}

public sealed class StartupRaceTests
{
    private static readonly NodeRoles EtcdOnly = new(true, true, false, false, false);
    private static readonly NodeRoles ControlPlaneOnly = new(true, false, true, true, true);
    private static readonly NodeRoles AllInOne = new(true, true, true, true, true);

    [Theory]
    [InlineData("v1.31.8+rke2r1", true)]
    [InlineData("v1.32.4+rke2r1", true)]
    [InlineData("v1.33.0+rke2r1", true)]
    [InlineData("v1.31.9+rke2r1", false)]
    [InlineData("v1.32.5+rke2r1", false)]
    [InlineData("v1.33.1+rke2r1", false)]
    public void OnlyAffectedReleasesHaveTheRace(string version, bool affected) =>
        Assert.Equal(affected, ReleaseInfo.Parse(version).HasStartupRace);

    [Fact]
    public void ALostRaceOnAControlPlaneOnlyServerIsTheNilPointerPanicOf8236() =>
        Assert.Equal(StartupRaceOutcome.NilPointerPanic, StartupRace.Outcome(true, ControlPlaneOnly, replacesOwnStaticPods: true, draw: 0.1));

    [Fact]
    public void ALostRaceOnAnAllInOneServerIsTheFatalExitOf8269() =>
        Assert.Equal(StartupRaceOutcome.FatalExit, StartupRace.Outcome(true, AllInOne, replacesOwnStaticPods: true, draw: 0.1));

    [Theory]
    [InlineData(false, true, 0.1)]
    [InlineData(true, false, 0.1)]
    [InlineData(true, true, StartupRace.Probability)]
    [InlineData(true, true, 0.99)]
    public void NoRaceOnFixedReleasesWithoutReplacedPodsOrWhenTheDrawWins(bool affected, bool replaces, double draw) =>
        Assert.Equal(StartupRaceOutcome.None, StartupRace.Outcome(affected, ControlPlaneOnly, replaces, draw));

    [Fact]
    public void EtcdOnlyServersDoNotWaitOnALocalApiServerAndNeverLose() =>
        Assert.Equal(StartupRaceOutcome.None, StartupRace.Outcome(true, EtcdOnly, replacesOwnStaticPods: true, draw: 0));

    [Theory]
    [InlineData("kube-apiserver", true)]
    [InlineData("etcd", true)]
    [InlineData("kube-proxy", false)]
    public void OnlyTheNodesOwnEtcdAndApiServerPodsMatter(string component, bool matters) =>
        Assert.Equal(matters, StartupRace.ReplacesOwnStaticPods(new HashSet<string> { component }));
}

public sealed class SecretsEncryptionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private static readonly NodeRoles EtcdOnly = new(true, true, false, false, false);

    private static ClusterState Cluster(string version = "v1.32.5+rke2r1")
    {
        var state = new ClusterState();
        ClusterRulesTests.Report(state, "s1", etcd: true, Now);
        ClusterRulesTests.Report(state, "s2", etcd: true, Now);
        ClusterRulesTests.Report(state, "e1", etcd: true, Now, roles: EtcdOnly);
        foreach (var node in state.Nodes.Values)
        {
            node.Version = version;
            SecretsEncryption.Started(state, node);
        }
        return state;
    }

    private static (string? Error, string Output) Run(ClusterState state, string node, string command, DateTimeOffset? at = null, List<string>? log = null) =>
        SecretsEncryption.Run(state, node, command, at ?? Now, TimeSpan.FromSeconds(0.2), line => log?.Add(line));

    private static void Restart(ClusterState state, params string[] nodes)
    {
        foreach (var node in nodes) SecretsEncryption.Started(state, state.Nodes[node]);
    }

    [Fact]
    public void FreshClusterIsAtStartWithMatchingHashes() =>
        Assert.StartsWith("Encryption Status: Enabled\nCurrent Rotation Stage: start\nServer Encryption Hashes: All hashes match\n",
            Run(Cluster(), "s1", "status").Output);

    [Fact]
    public void StatusAndCommandsNeedAControlPlaneNode() =>
        Assert.Equal("cannot manage secrets encryption on non control-plane node e1", Run(Cluster(), "e1", "status").Error);

    [Fact]
    public void OtherControlPlaneNodesMismatchUntilRestarted()
    {
        var state = Cluster();
        Assert.Equal("prepare completed successfully\n", Run(state, "s1", "prepare").Output);
        Assert.Contains("Current Rotation Stage: prepare", Run(state, "s1", "status").Output);
        Assert.Contains("Current Rotation Stage: start", Run(state, "s2", "status").Output);
        Assert.Contains("hash does not match between s1 and s2", Run(state, "s1", "status").Output);
        Restart(state, "s1");
        Assert.Contains("hash does not match between s1 and s2", Run(state, "s1", "status").Output);
        Restart(state, "s2");
        Assert.Contains("All hashes match", Run(state, "s1", "status").Output);
    }

    [Fact]
    public void NextStageIsRefusedWhileHashesMismatchOrBeforeTheRestart()
    {
        var state = Cluster();
        Run(state, "s1", "prepare");
        Assert.Equal("hash does not match between s1 and s2", Run(state, "s1", "rotate").Error);
        Restart(state, "s2");
        Assert.StartsWith("invalid hash: ", Run(state, "s1", "rotate").Error);
        Restart(state, "s1");
        Assert.Null(Run(state, "s1", "rotate").Error);
    }

    [Fact]
    public void StagesMustBeRunInOrder() =>
        Assert.Equal("incorrect stage: start found on node s1", Run(Cluster(), "s1", "rotate").Error);

    [Fact]
    public void StagedRotationEndsWithTheOldKeyRemovedAfterReencryption()
    {
        var state = Cluster();
        var log = new List<string>();
        Run(state, "s1", "prepare", log: log);
        Restart(state, "s1", "s2", "e1");
        Run(state, "s1", "rotate", log: log);
        Restart(state, "s1", "s2", "e1");
        Assert.Equal("reencryption started\n", Run(state, "s1", "reencrypt").Output);
        Assert.Contains("Current Rotation Stage: reencrypt_active", Run(state, "s1", "status", Now + TimeSpan.FromSeconds(1)).Output);
        var done = Run(state, "s1", "status", Now + TimeSpan.FromSeconds(6), log).Output;
        Assert.Contains("Current Rotation Stage: reencrypt_finished", done);
        Assert.Contains("hash does not match between s1 and s2", done);
        Assert.Equal(["Adding secrets-encryption key: aescbckey-1970-01-01T00:00:00Z", "Encryption keys right rotated", "Removed key: aescbckey"], log);
        Restart(state, "s2");
        Assert.Contains("All hashes match", Run(state, "s1", "status", Now + TimeSpan.FromSeconds(7)).Output);
    }

    [Fact]
    public void RotateKeysReencryptsWithoutRestartingTheServerItRanOn()
    {
        var state = Cluster();
        Assert.Equal("keys rotated, reencryption started\n", Run(state, "s1", "rotate-keys").Output);
        var done = Run(state, "s1", "status", Now + TimeSpan.FromSeconds(6)).Output;
        Assert.Contains("Current Rotation Stage: reencrypt_finished", done);
        Assert.Contains("hash does not match between s1 and s2", done);
        Restart(state, "s2");
        Assert.Contains("All hashes match", Run(state, "s1", "status", Now + TimeSpan.FromSeconds(7)).Output);
        Assert.Null(Run(state, "s1", "rotate-keys", Now + TimeSpan.FromSeconds(8)).Error);
    }

    [Fact]
    public void RotateKeysNeedsV128OnEveryControlPlaneNode() =>
        Assert.Equal("node s1 is running k3s version 1.27.16+rke2r1 that does not support rotate-keys",
            Run(Cluster("v1.27.16+rke2r1"), "s1", "rotate-keys").Error);
}

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
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly NodeRoles EtcdOnly = new(true, true, false, false, false);
    private static readonly NodeRoles ControlPlaneOnly = new(true, false, true, true, true);

    private static ClusterState SplitCluster()
    {
        var state = new ClusterState();
        ClusterRulesTests.Report(state, "etcd1", etcd: true, Now, roles: EtcdOnly);
        ClusterRulesTests.Report(state, "cp1", etcd: false, Now, roles: ControlPlaneOnly);
        Assert.Null(SecretsEncryption.Advance(state, "prepare"));
        return state;
    }

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
    public void ControlPlaneOnlyPanicsWhenEtcdNodesRestartedFirstAfterPrepare()
    {
        var state = SplitCluster();
        state.Nodes["etcd1"].AppliedEncryptionGeneration = state.Encryption.Generation;
        Assert.True(StartupRace.PanicsAfterPrepare(state, "cp1", ControlPlaneOnly, affectedRelease: true));
        Assert.False(StartupRace.PanicsAfterPrepare(state, "cp1", ControlPlaneOnly, affectedRelease: false));
    }

    [Fact]
    public void RestartingControlPlaneBeforeEtcdAvoidsThePanic()
    {
        var state = SplitCluster();
        Assert.False(StartupRace.PanicsAfterPrepare(state, "cp1", ControlPlaneOnly, affectedRelease: true));
        state.Nodes["cp1"].AppliedEncryptionGeneration = state.Encryption.Generation;
        state.Nodes["etcd1"].AppliedEncryptionGeneration = state.Encryption.Generation;
        Assert.False(StartupRace.PanicsAfterPrepare(state, "cp1", ControlPlaneOnly, affectedRelease: true));
    }

    [Fact]
    public void StartupHooksFailWhilePeerPodsAreRecreating()
    {
        var state = new ClusterState();
        ClusterRulesTests.Report(state, "s1", etcd: true, Now, settleAt: Now + TimeSpan.FromSeconds(10));
        ClusterRulesTests.Report(state, "s2", etcd: true, Now);
        Assert.Equal("s1", StartupRace.PeerRecreatingStaticPods(state, "s2", Now, TimeSpan.FromSeconds(40)));
        Assert.Null(StartupRace.PeerRecreatingStaticPods(state, "s2", Now + TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(40)));
        Assert.Null(StartupRace.PeerRecreatingStaticPods(state, "s1", Now, TimeSpan.FromSeconds(40)));
    }
}

public sealed class SecretsEncryptionTests
{
    private static ClusterState TwoServers()
    {
        var state = new ClusterState();
        ClusterRulesTests.Report(state, "s1", etcd: true, DateTimeOffset.UnixEpoch);
        ClusterRulesTests.Report(state, "s2", etcd: true, DateTimeOffset.UnixEpoch);
        return state;
    }

    [Fact]
    public void FreshClusterIsAtStartWithMatchingHashes()
    {
        Assert.Equal("Encryption Status: Enabled\nCurrent Rotation Stage: start\nServer Encryption Hashes: All hashes match\n",
            SecretsEncryption.Status(TwoServers()));
    }

    [Fact]
    public void HashesMismatchUntilEveryServerRestarted()
    {
        var state = TwoServers();
        Assert.Null(SecretsEncryption.Advance(state, "prepare"));
        Assert.Contains("Current Rotation Stage: prepare", SecretsEncryption.Status(state));
        Assert.Contains("hash does not match", SecretsEncryption.Status(state));
        state.Nodes["s1"].AppliedEncryptionGeneration = state.Encryption.Generation;
        Assert.Contains("hash does not match between s1 and s2", SecretsEncryption.Status(state));
        state.Nodes["s2"].AppliedEncryptionGeneration = state.Encryption.Generation;
        Assert.Contains("All hashes match", SecretsEncryption.Status(state));
    }

    [Fact]
    public void NextStageIsRefusedWhileHashesMismatch()
    {
        var state = TwoServers();
        SecretsEncryption.Advance(state, "prepare");
        Assert.NotNull(SecretsEncryption.Advance(state, "rotate"));
        Assert.Equal("prepare", state.Encryption.Stage);
    }

    [Fact]
    public void StagesMustBeRunInOrder()
    {
        var state = TwoServers();
        Assert.StartsWith("error, incorrect stage: start", SecretsEncryption.Advance(state, "rotate"));
    }
}

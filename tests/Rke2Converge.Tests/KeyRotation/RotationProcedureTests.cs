using Rke2Converge.Model;
using Rke2Converge.KeyRotation;

namespace Rke2Converge.Tests.KeyRotation;

public sealed class RotationProcedureTests
{
    private static readonly Rke2Version Affected = Rke2Version.Parse("v1.32.4+rke2r1");
    private static readonly Rke2Version Fixed = Rke2Version.Parse("v1.32.5+rke2r1");

    private static readonly IReadOnlyList<RotationServer> Split =
    [
        new("etcd-1", NodeRole.EtcdOnly), new("etcd-2", NodeRole.EtcdOnly), new("cp-1", NodeRole.ControlPlaneOnly), new("cp-2", NodeRole.ControlPlaneOnly),
    ];

    private static EncryptionStatus Status(string stage, bool match = true) => new("cp-1", true, stage, match ? null : "hash does not match between cp-1 and cp-2",
        new Dictionary<string, string> { ["cp-1"] = $"{stage}-aaa", ["cp-2"] = match ? $"{stage}-aaa" : "start-bbb" });

    private static RotationProcedure Build(Rke2Version version, string stage, bool staged = false, bool match = true)
    {
        var (procedure, refusal) = RotationProcedure.Build(new RotationRequest(Split, version, Status(stage, match)) { Staged = staged });
        Assert.Null(refusal);
        return procedure!;
    }

    private static List<string> Kinds(RotationProcedure procedure) => [.. procedure.Steps.Select(step => step switch
    {
        SnapshotStep => "snapshot",
        CommandStep c => c.Command,
        RestartStep => "restart",
        AwaitStageStep a => $"await {a.Stage}{(a.HashesMatch ? " matched" : "")}",
        _ => "?",
    })];

    [Fact]
    public void FixedReleaseRotatesWithRotateKeysAndRestartsTheOtherServersInJoinOrder()
    {
        var procedure = Build(Fixed, "start");
        Assert.Equal(RotationProcedure.RotateKeysPath, procedure.Path);
        Assert.Equal(["snapshot", "rotate-keys", "await reencrypt_finished", "restart", "await reencrypt_finished matched"], Kinds(procedure));
        Assert.Equal("etcd-1", ((SnapshotStep)procedure.Steps[0]).Node);
        Assert.Equal(["etcd-1", "etcd-2", "cp-2"], procedure.Steps.OfType<RestartStep>().Single().Nodes);
        Assert.Empty(procedure.Notes);
    }

    [Fact]
    public void StagedPathRestartsEveryServerAfterEachStageBehindStageGates()
    {
        var procedure = Build(Fixed, "reencrypt_finished", staged: true);
        Assert.Equal(
            ["snapshot", "prepare", "await prepare", "restart", "await prepare matched", "rotate", "await rotate", "restart", "await rotate matched",
             "reencrypt", "await reencrypt_finished", "restart", "await reencrypt_finished matched"],
            Kinds(procedure));
        Assert.All(procedure.Steps.OfType<RestartStep>(), restart => Assert.Equal(["etcd-1", "etcd-2", "cp-1", "cp-2"], restart.Nodes));
    }

    [Theory]
    [InlineData("start", false)]
    [InlineData("start", true)]
    [InlineData("prepare", false)]
    public void AffectedReleaseRestartsInJoinOrderAndNamesTheRaceAndTheFixedRelease(string stage, bool staged)
    {
        var procedure = Build(Affected, stage, staged: staged);
        var everyone = stage == "start" && !staged ? new[] { "etcd-1", "etcd-2", "cp-2" } : ["etcd-1", "etcd-2", "cp-1", "cp-2"];
        Assert.All(procedure.Steps.OfType<RestartStep>(), restart => Assert.Equal(everyone, restart.Nodes));
        Assert.Contains(procedure.Notes, note => note.Contains("rancher/rke2#8236, #8269", StringComparison.Ordinal)
            && note.Contains("Upgrading to v1.32.5+rke2r1 first", StringComparison.Ordinal));
    }

    [Fact]
    public void AllInOneServersOnAnAffectedReleaseRotateStaged()
    {
        IReadOnlyList<RotationServer> servers = [new("s1", NodeRole.Server), new("s2", NodeRole.Server)];
        var status = new EncryptionStatus("s1", true, "prepare", null, new Dictionary<string, string>());
        var (procedure, refusal) = RotationProcedure.Build(new RotationRequest(servers, Affected, status));
        Assert.Null(refusal);
        Assert.Equal(RotationProcedure.StagedPath, procedure!.Path);
    }

    [Theory]
    [InlineData("prepare", "snapshot,restart,await prepare matched,rotate,await rotate,restart,await rotate matched,reencrypt,await reencrypt_finished,restart,await reencrypt_finished matched")]
    [InlineData("rotate", "snapshot,restart,await rotate matched,reencrypt,await reencrypt_finished,restart,await reencrypt_finished matched")]
    [InlineData("reencrypt_request", "snapshot,await reencrypt_finished,restart,await reencrypt_finished matched")]
    [InlineData("reencrypt_active", "snapshot,await reencrypt_finished,restart,await reencrypt_finished matched")]
    public void ResumesFromTheStageTheClusterIsIn(string stage, string expected)
    {
        var procedure = Build(Fixed, stage, match: false);
        Assert.Equal(expected.Split(','), Kinds(procedure));
        Assert.Contains(procedure.Notes, note => note.Contains(stage, StringComparison.Ordinal));
    }

    [Fact]
    public void FinishedStagesWithMismatchedHashesOnlyFinishTheRestarts()
    {
        var procedure = Build(Fixed, "reencrypt_finished", match: false);
        Assert.Equal(["snapshot", "restart", "await reencrypt_finished matched"], Kinds(procedure));
        Assert.Contains(procedure.Notes, note => note.Contains("cp-2", StringComparison.Ordinal));
    }

    [Fact]
    public void ReleasesBeforeV128UseTheStagedPath()
    {
        var old = Rke2Version.Parse("v1.27.16+rke2r1");
        var procedure = Build(old, "start");
        Assert.Equal(RotationProcedure.StagedPath, procedure.Path);
        Assert.Contains(procedure.Notes, note => note.Contains("no rotate-keys", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownStageIsRefused()
    {
        var (procedure, refusal) = RotationProcedure.Build(new RotationRequest(Split, Fixed, Status("something_new")));
        Assert.Null(procedure);
        Assert.Contains("something_new", refusal, StringComparison.Ordinal);
    }
}

public sealed class EncryptionStatusTests
{
    [Fact]
    public void ParsesRke2StatusAndFindsTheServersWhoseHashDiffers()
    {
        var text = "Encryption Status: Enabled\nCurrent Rotation Stage: prepare\nServer Encryption Hashes: hash does not match between cp-1 and cp-2\n\nActive  Key Type  Name\n";
        var (names, hashes) = EncryptionStatusProbe.NodeHashes("cp-1\tprepare-0123456789abcdef\ncp-2\tstart-fedcba9876543210\netcd-1\t\n");
        Assert.Equal(["cp-1", "cp-2", "etcd-1"], names);
        var status = EncryptionStatus.Parse("cp-1", text, hashes)!;
        Assert.True(status.Enabled);
        Assert.Equal("prepare", status.Stage);
        Assert.False(status.AtRest);
        Assert.Equal(["cp-2"], status.MismatchedServers);
        Assert.Equal("stage prepare, hashes differ on cp-2 (from cp-1's prepare-0123456789ab)", status.Describe());
    }

    [Fact]
    public void DisabledOrErrorOutputIsNotAStatus()
    {
        Assert.Null(EncryptionStatus.Parse("s", "level=fatal msg=\"see server log for details\"", new Dictionary<string, string>()));
        Assert.False(EncryptionStatus.Parse("s", "Encryption Status: Disabled\nCurrent Rotation Stage: start\n", new Dictionary<string, string>())!.Enabled);
    }

    [Fact]
    public void DriftNamesStageRestartsAndTheResumeCommandOnlyMidRotation()
    {
        var matching = new Dictionary<string, string> { ["cp-1"] = "start-a", ["cp-2"] = "start-a" };
        Assert.Empty(RotationDrift.Problems(new EncryptionStatus("cp-1", true, "start", null, matching), ["cp-1", "etcd-1"], "site.csx"));
        var mid = new EncryptionStatus("cp-1", true, "prepare", "hash does not match between cp-1 and cp-2",
            new Dictionary<string, string> { ["cp-1"] = "prepare-a", ["cp-2"] = "start-a" });
        var problem = Assert.Single(RotationDrift.Problems(mid, ["cp-1", "cp-2", "etcd-1"], "site.csx"));
        Assert.Contains("stopped mid-way at stage prepare", problem, StringComparison.Ordinal);
        Assert.Contains("hashes differ on cp-2", problem, StringComparison.Ordinal);
        Assert.Contains("(cp-1, cp-2, etcd-1)", problem, StringComparison.Ordinal);
        Assert.Contains("rke2c secrets-encrypt rotate site.csx", problem, StringComparison.Ordinal);
    }
}

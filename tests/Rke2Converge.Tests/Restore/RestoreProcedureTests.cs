using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Restore;
using Rke2Converge.Tests.Remote;

namespace Rke2Converge.Tests.Restore;

public sealed class RestoreProcedureTests
{
    private const string Stamp = "20261207T150000Z";

    private static readonly IReadOnlyList<RestoreNode> Cluster =
    [
        new("s1", NodeRole.Server, new ConfigMap()), new("s2", NodeRole.Server, new ConfigMap()), new("s3", NodeRole.Server, new ConfigMap()),
        new("a1", NodeRole.Agent, new ConfigMap()), new("a2", NodeRole.Agent, new ConfigMap()),
    ];

    private static RestoreProcedure Build(IReadOnlyList<RestoreNode> nodes, string snapshot = "before-s1-1765000000")
    {
        var (procedure, refusal) = RestoreProcedure.Build(new RestoreRequest(nodes, snapshot, Stamp));
        Assert.Null(refusal);
        return procedure!;
    }

    private static string Refusal(IReadOnlyList<RestoreNode> nodes, string snapshot)
    {
        var (procedure, refusal) = RestoreProcedure.Build(new RestoreRequest(nodes, snapshot, Stamp));
        Assert.Null(procedure);
        return refusal!;
    }

    [Fact]
    public void ChecksFirstThenStopsEveryNodeResetsTheFirstServerAndRejoinsTheOthersOneAtATimeThenTheAgents()
    {
        var procedure = Build(Cluster);
        Assert.Equal("s1", procedure.Server);
        Assert.Equal("/var/lib/rancher/rke2/server/db/snapshots/before-s1-1765000000", procedure.Path);
        Assert.Equal(
        [
            "s1: check that the snapshot /var/lib/rancher/rke2/server/db/snapshots/before-s1-1765000000 exists and is readable",
            "s1: systemctl stop rke2-server",
            "s2: systemctl stop rke2-server",
            "s3: systemctl stop rke2-server",
            "a1: systemctl stop rke2-agent",
            "a2: systemctl stop rke2-agent",
            "s1: rke2 server --cluster-reset --cluster-reset-restore-path=/var/lib/rancher/rke2/server/db/snapshots/before-s1-1765000000 (at most 10 min)",
            "s1: start, then every readiness gate (the restored etcd, a single member)",
            "s2: move /var/lib/rancher/rke2/server/db aside to /var/lib/rancher/rke2/server/db.rke2c-restore-20261207T150000Z",
            "s2: start, then every readiness gate (rejoins the restored cluster)",
            "s3: move /var/lib/rancher/rke2/server/db aside to /var/lib/rancher/rke2/server/db.rke2c-restore-20261207T150000Z",
            "s3: start, then every readiness gate (rejoins the restored cluster)",
            "a1, a2: start, then every readiness gate (agents)",
        ], procedure.Steps.Select(step => step.Describe()));
    }

    [Fact]
    public void ASingleServerIsResetAndStartedWithNoDatabaseMoved()
    {
        var procedure = Build([new("only", NodeRole.Server, new ConfigMap())]);
        Assert.DoesNotContain(procedure.Steps, step => step is MoveDatabaseAsideStep);
        Assert.Equal(["CheckSnapshotStep", "StopStep", "ClusterResetStep", "StartStep"], procedure.Steps.Select(step => step.GetType().Name));
    }

    [Fact]
    public void SnapshotDirectoryAndDataDirFollowTheFirstServersConfig()
    {
        var custom = new ConfigMap { ["data-dir"] = "/data/rke2/", ["etcd-snapshot-dir"] = "/backup/etcd" };
        var procedure = Build([new("s1", NodeRole.Server, custom), new("s2", NodeRole.Server, new ConfigMap { ["data-dir"] = "/srv/rke2" })]);
        Assert.Equal("/backup/etcd/before-s1-1765000000", procedure.Path);
        var move = Assert.Single(procedure.Steps.OfType<MoveDatabaseAsideStep>());
        Assert.Equal(("/srv/rke2/server/db", "/srv/rke2/server/db.rke2c-restore-20261207T150000Z"), (move.Database, move.Backup));
        Assert.Equal("/data/rke2/server/db", RestoreProcedure.DatabaseDirectory(custom));
    }

    [Fact]
    public void AnAbsolutePathIsTakenAsIs()
    {
        Assert.Equal("/root/restore.db", Build(Cluster, "/root/restore.db").Path);
    }

    [Theory]
    [InlineData("../etc/shadow", "neither a file name")]
    [InlineData("a b", "neither a file name")]
    [InlineData("/var/lib/../../etc/x", "absolute path to a file")]
    [InlineData("/var/lib/rancher/", "absolute path to a file")]
    [InlineData("", "neither a file name")]
    public void AnUnsafeOrMalformedSnapshotIsRefused(string snapshot, string expected)
    {
        Assert.Contains(expected, Refusal(Cluster, snapshot), StringComparison.Ordinal);
    }

    [Fact]
    public void NoServerOrAFirstServerWithoutEtcdIsRefused()
    {
        Assert.Contains("declares no server", Refusal([new("a1", NodeRole.Agent, new ConfigMap())], "x"), StringComparison.Ordinal);
        Assert.Contains("cp-1, the first server in join order, does not run etcd",
            Refusal([new("cp-1", NodeRole.ControlPlaneOnly, new ConfigMap()), new("e1", NodeRole.EtcdOnly, new ConfigMap())], "x"), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryValueTravelsAsAnArgumentAndEveryCommandIsBounded()
    {
        var hostile = "/tmp/x\"; rm -rf / #";
        foreach (var command in new RemoteCommand[]
        {
            RestoreOperations.CheckSnapshot(hostile), RestoreOperations.Stop("rke2-server"),
            RestoreOperations.ClusterReset(hostile, RestoreProcedure.ResetTimeout), RestoreOperations.MoveAside(hostile, hostile + ".bak"),
        })
        {
            Assert.DoesNotContain("rm -rf", command.Script, StringComparison.Ordinal);
            Assert.True(command.Timeout > TimeSpan.Zero && command.Timeout <= TimeSpan.FromMinutes(15), command.Description);
        }
        var reset = RestoreOperations.ClusterReset("/s", TimeSpan.FromMinutes(10));
        Assert.Equal([Rke2Paths.Rke2Binary, "600", "/s"], reset.Arguments);
        Assert.Contains("timeout", reset.Script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ok 1234", null)]
    [InlineData("missing", "s1: the snapshot /s does not exist")]
    [InlineData("not-a-file", "s1: the snapshot /s is not a regular file")]
    [InlineData("unreadable", "s1: the snapshot /s cannot be read")]
    [InlineData("empty", "s1: the snapshot /s is empty")]
    public void TheSnapshotCheckSaysWhatIsWrongNamingHostAndFile(string stdout, string? expected)
    {
        var refusal = RestoreOperations.SnapshotRefusal("s1", "/s", stdout);
        if (expected is null) Assert.Null(refusal);
        else Assert.StartsWith(expected, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSnapshotCheckAndTheMoveAsideRunAsScripts()
    {
        var directory = Directory.CreateTempSubdirectory("rke2c-restore-");
        try
        {
            var shell = new LocalShell("s1");
            var file = Path.Join(directory.FullName, "snap");
            async Task<string> CheckAsync(string path) => (await shell.RunCheckedAsync(RestoreOperations.CheckSnapshot(path), CancellationToken.None)).Stdout.Trim();
            Assert.Equal("missing", await CheckAsync(file));
            Assert.Equal("not-a-file", await CheckAsync(directory.FullName));
            await File.WriteAllTextAsync(file, "");
            Assert.Equal("empty", await CheckAsync(file));
            await File.WriteAllTextAsync(file, "data");
            Assert.Equal("ok 4", await CheckAsync(file));

            var db = Path.Join(directory.FullName, "db");
            Directory.CreateDirectory(Path.Join(db, "etcd"));
            var moved = await shell.RunCheckedAsync(RestoreOperations.MoveAside(db, db + ".rke2c-restore-" + Stamp), CancellationToken.None);
            Assert.Equal("moved", moved.Stdout.Trim());
            Assert.True(Directory.Exists(Path.Join(db + ".rke2c-restore-" + Stamp, "etcd")));
            Assert.False(Directory.Exists(db));
            var absent = await shell.RunCheckedAsync(RestoreOperations.MoveAside(db, db + ".other"), CancellationToken.None);
            Assert.Equal("absent", absent.Stdout.Trim());
            // A backup of the same name is never overwritten.
            Directory.CreateDirectory(db);
            await Assert.ThrowsAsync<RemoteCommandException>(() => shell.RunCheckedAsync(RestoreOperations.MoveAside(db, db + ".rke2c-restore-" + Stamp), CancellationToken.None));
            Assert.True(Directory.Exists(db));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Restore;
using Rke2Converge.Tests.Remote;

namespace Rke2Converge.Tests.Restore;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
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
    [InlineData("ok 1234 token-match", null)]
    [InlineData("ok 1234 token-unknown", null)]
    [InlineData("ok 1234 token-other", "s1: the snapshot /s holds RKE2's bootstrap data under another token's key")]
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
            Assert.Equal("ok 4 token-unknown", await CheckAsync(file));
            // The snapshot's bootstrap key against the server's own token file, on the host (bbolt keeps keys in the clear).
            var token = Path.Join(directory.FullName, "token");
            await File.WriteAllTextAsync(token, "K10" + new string('a', 64) + "::server:s3cret\n");
            async Task<string> CheckWithTokenAsync() => (await shell.RunCheckedAsync(
                RestoreOperations.CheckSnapshot(file) with { Arguments = [file, token] }, CancellationToken.None)).Stdout.Trim();
            await File.WriteAllTextAsync(file, "\0\u0001" + BootstrapKey.For("s3cret") + "\u0002ciphertext");
            Assert.Equal($"ok {new FileInfo(file).Length} token-match", await CheckWithTokenAsync());
            await File.WriteAllTextAsync(file, "\0\u0001" + BootstrapKey.For("another") + "\u0002ciphertext");
            Assert.Equal($"ok {new FileInfo(file).Length} token-other", await CheckWithTokenAsync());
            await File.WriteAllTextAsync(file, "compressed, no key in the clear");
            Assert.EndsWith(" token-unknown", await CheckWithTokenAsync(), StringComparison.Ordinal);

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

    private static readonly LocalSnapshot Local = new("/home/ops/copied-off.db", new string('a', 64), 4096);

    [Fact]
    public void AFreshRestoreChecksInstallsWithoutStartPushesResetsThenAppliesThePlaybookStoppingNothing()
    {
        var (procedure, refusal) = RestoreProcedure.BuildFresh(Cluster, Local);
        Assert.Null(refusal);
        Assert.Equal("s1", procedure!.Server);
        Assert.Equal("/var/lib/rancher/rke2/server/db/snapshots/copied-off.db", procedure.Path);
        Assert.Same(Local, procedure.From);
        Assert.Equal(
        [
            "s1: check that /var/lib/rancher/rke2/server/db/etcd holds no etcd data (RKE2 never ran here)",
            "s1: install and configure as apply does (every change but the service), not started",
            $"s1: push /home/ops/copied-off.db to /var/lib/rancher/rke2/server/db/snapshots/copied-off.db (4 KiB, sha256 {new string('a', 64)}, checked on the host)",
            "s1: rke2 server --cluster-reset --cluster-reset-restore-path=/var/lib/rancher/rke2/server/db/snapshots/copied-off.db (at most 10 min)",
            "s1, s2, s3, a1, a2: the rest of the playbook, as apply converges it (s1 started first, servers one at a time, agents in batches, each behind its readiness gates)",
        ], procedure.Steps.Select(step => step.Describe()));
        Assert.DoesNotContain(procedure.Steps, step => step is StopStep or MoveDatabaseAsideStep);
        Assert.True(Assert.Single(procedure.Steps.OfType<ClusterResetStep>()).Fresh);
    }

    [Fact]
    public void AFreshRestoreFollowsTheFirstServersDataAndSnapshotDirectories()
    {
        var custom = new ConfigMap { ["data-dir"] = "/data/rke2", ["etcd-snapshot-dir"] = "/backup/etcd/" };
        var (procedure, _) = RestoreProcedure.BuildFresh([new("s1", NodeRole.Server, custom)], Local);
        Assert.Equal("/backup/etcd/copied-off.db", procedure!.Path);
        Assert.Equal("/data/rke2/server/db/etcd", Assert.IsType<CheckNoEtcdDataStep>(procedure.Steps[0]).EtcdDirectory);
    }

    [Fact]
    public void AFreshRestoreRefusesNoEtcdFirstServerAnUnsafeFileNameAndABadHash()
    {
        string Refused(IReadOnlyList<RestoreNode> nodes, LocalSnapshot local)
        {
            var (procedure, refusal) = RestoreProcedure.BuildFresh(nodes, local);
            Assert.Null(procedure);
            return refusal!;
        }
        Assert.Contains("declares no server", Refused([new("a1", NodeRole.Agent, new ConfigMap())], Local), StringComparison.Ordinal);
        Assert.Contains("cp-1, the first server in join order, does not run etcd",
            Refused([new("cp-1", NodeRole.ControlPlaneOnly, new ConfigMap()), new("e1", NodeRole.EtcdOnly, new ConfigMap())], Local), StringComparison.Ordinal);
        Assert.Contains("is not one rke2c puts on a host", Refused(Cluster, Local with { File = "/tmp/-rf x" }), StringComparison.Ordinal);
        Assert.Contains("is not one rke2c puts on a host", Refused(Cluster, Local with { File = "/tmp/.hidden" }), StringComparison.Ordinal);
        Assert.Contains("invalid SHA-256", Refused(Cluster, Local with { Sha256 = "xyz" }), StringComparison.Ordinal);
    }

    [Fact]
    public void TheLocalSnapshotIsRefusedMissingEmptyOrADirectoryAndHashedWhenThere()
    {
        var directory = Directory.CreateTempSubdirectory("rke2c-fresh-");
        try
        {
            var file = Path.Join(directory.FullName, "snap.db");
            Assert.Contains("does not exist on this machine", LocalSnapshot.Read(file).Refusal, StringComparison.Ordinal);
            Assert.Contains("is a directory on this machine", LocalSnapshot.Read(directory.FullName).Refusal, StringComparison.Ordinal);
            File.WriteAllText(file, "");
            Assert.Contains("is empty", LocalSnapshot.Read(file).Refusal, StringComparison.Ordinal);
            File.WriteAllText(file, "data");
            var (local, refusal) = LocalSnapshot.Read(file);
            Assert.Null(refusal);
            Assert.Equal((file, "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7", 4L), (local!.File, local.Sha256, local.Bytes));
            Assert.Empty(local.BootstrapKeys);
            Assert.Equal("snap.db", local!.Name);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("none", null)]
    [InlineData("data", "s1 already holds etcd data (/d/etcd/member): restore --from is for a first server where RKE2 never ran")]
    [InlineData("??", "s1: could not check /d/etcd for etcd data")]
    public void TheEtcdDataCheckPointsToTheRestoreIntoExistingNodes(string stdout, string? expected)
    {
        var refusal = RestoreOperations.EtcdDataRefusal("s1", "/d/etcd", stdout);
        if (expected is null) Assert.Null(refusal);
        else Assert.StartsWith(expected, refusal, StringComparison.Ordinal);
        if (stdout == "data") Assert.Contains("rke2c restore site.csx SNAPSHOT", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEtcdDataCheckAndThePushRunAsScriptsAndThePushChecksTheHashAndNeverReplacesAnotherFile()
    {
        var directory = Directory.CreateTempSubdirectory("rke2c-fresh-");
        try
        {
            var shell = new LocalShell("s1");
            var etcd = Path.Join(directory.FullName, "db", "etcd");
            async Task<string> CheckAsync() => (await shell.RunCheckedAsync(RestoreOperations.CheckNoEtcdData(etcd), CancellationToken.None)).Stdout.Trim();
            Assert.Equal("none", await CheckAsync());
            Directory.CreateDirectory(etcd);
            File.WriteAllText(Path.Join(etcd, "name"), "s1");
            Assert.Equal("none", await CheckAsync());
            Directory.CreateDirectory(Path.Join(etcd, "member", "wal"));
            Assert.Equal("data", await CheckAsync());

            var local = Path.Join(directory.FullName, "local.db");
            File.WriteAllText(local, "snapshot bytes");
            var sha = LocalSnapshot.Read(local).Snapshot!.Sha256;
            var snapshots = Path.Join(directory.FullName, "db", "snapshots");
            await shell.RunCheckedAsync(RestoreOperations.PushSnapshot(local, snapshots, "pushed.db", sha, 14), CancellationToken.None);
            var pushed = Path.Join(snapshots, "pushed.db");
            Assert.Equal("snapshot bytes", File.ReadAllText(pushed));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pushed));
            // The same file again is fine (a re-run); other bytes under that name, or a wrong hash, replace nothing.
            await shell.RunCheckedAsync(RestoreOperations.PushSnapshot(local, snapshots, "pushed.db", sha, 14), CancellationToken.None);
            var other = Path.Join(directory.FullName, "other.db");
            File.WriteAllText(other, "other snapshot");
            var otherSha = LocalSnapshot.Read(other).Snapshot!.Sha256;
            var clash = await Assert.ThrowsAsync<RemoteCommandException>(() => shell.RunCheckedAsync(RestoreOperations.PushSnapshot(other, snapshots, "pushed.db", otherSha, 14), CancellationToken.None));
            Assert.Contains("already exists with other content", clash.Result.Stderr, StringComparison.Ordinal);
            var wrong = await Assert.ThrowsAsync<RemoteCommandException>(() => shell.RunCheckedAsync(RestoreOperations.PushSnapshot(other, snapshots, "new.db", sha, 14), CancellationToken.None));
            Assert.Contains("checksum mismatch for new.db", wrong.Result.Stderr, StringComparison.Ordinal);
            Assert.Equal("snapshot bytes", File.ReadAllText(pushed));
            Assert.Equal(["pushed.db"], Directory.GetFiles(snapshots).Select(Path.GetFileName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ThePushAndTheEtcdCheckAreBoundedAndPassEveryValueAsAnArgument()
    {
        var hostile = "/tmp/x\"; rm -rf / #";
        var push = RestoreOperations.PushSnapshot("/local/file", hostile, "n.db", new string('b', 64), 10);
        var check = RestoreOperations.CheckNoEtcdData(hostile);
        foreach (var command in new[] { push, check })
        {
            Assert.DoesNotContain("rm -rf", command.Script, StringComparison.Ordinal);
            Assert.True(command.Timeout > TimeSpan.Zero && command.Timeout <= TimeSpan.FromMinutes(20), command.Description);
        }
        Assert.Equal(new string('b', 64), push.StdinSha256);
        Assert.Equal("/local/file", push.StdinFile);
    }

    [Fact]
    public void TheFirstServerIsConvergedWithoutItsStartThenWithOnlyItsStartBesideEveryOtherNodesChanges()
    {
        var model = TestModels.Cluster([TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("a1", "10.0.0.2", NodeRole.Agent)]);
        var desired = Rke2Converge.Plan.Desired.DesiredStateBuilder.Build(model);
        var planner = new Rke2Converge.Plan.Planner("test", TestModels.Templates(), TestModels.Reveal);
        var plan = planner.Plan(desired, desired.ToDictionary(n => n.Name, n => TestModels.FreshHost(n.Name, n.Sysctls.Keys)));
        var s1 = plan.Hosts.Single(host => host.Node == "s1");
        Assert.Contains(s1.Changes, change => change is Rke2Converge.Plan.Changes.ServiceChange);

        var install = plan.WithChanges(["s1"], (_, change) => change is not Rke2Converge.Plan.Changes.ServiceChange);
        var only = Assert.Single(install.Hosts);
        Assert.Equal(s1.Changes.Count - 1, only.Changes.Count);
        Assert.False(only.TouchesService);
        Assert.Contains(only.Changes, change => change is Rke2Converge.Plan.Changes.InstallChange);

        var rest = plan.WithChanges(["s1", "a1"], (host, change) => host.Node != "s1" || change is Rke2Converge.Plan.Changes.ServiceChange);
        Assert.Equal(["s1", "a1"], rest.Hosts.Select(host => host.Node));
        var start = Assert.IsType<Rke2Converge.Plan.Changes.ServiceChange>(Assert.Single(rest.Hosts[0].Changes));
        Assert.True(start.Enable);
        Assert.Equal(plan.Hosts.Single(host => host.Node == "a1").Changes, rest.Hosts[1].Changes);
    }
}


/// <summary>The bootstrap key of a snapshot: k3s's storageKey, found in a local file's bytes, compared with the playbook's token.</summary>
public sealed class BootstrapKeyTests
{
    [Fact]
    public void The_key_is_the_first_12_hex_digits_of_the_passphrase_sha256_whatever_form_the_token_takes()
    {
        // printf '%s' s3cret | sha256sum
        var expected = "/bootstrap/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("s3cret"u8.ToArray()))[..12];

        Assert.Equal(expected, BootstrapKey.For("s3cret"));
        Assert.Equal(expected, BootstrapKey.For("K10" + new string('f', 64) + "::server:s3cret"));
    }

    [Fact]
    public void A_local_snapshot_of_another_token_is_refused_and_one_without_keys_is_not_judged()
    {
        var dir = Directory.CreateTempSubdirectory("rke2c-bootstrap-key-").FullName;
        try
        {
            var file = Path.Join(dir, "snap");
            // The key straddles the 1 MiB read boundary: the overlap keeps it whole.
            var padding = new byte[(1 << 20) + 17];
            File.WriteAllBytes(file, [.. padding, .. System.Text.Encoding.ASCII.GetBytes(BootstrapKey.For("theirs")), 0, 1, 2]);

            var (snapshot, error) = LocalSnapshot.Read(file);

            Assert.Null(error);
            Assert.Equal([BootstrapKey.For("theirs")], snapshot!.BootstrapKeys);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), snapshot.Sha256);
            Assert.StartsWith("the snapshot snap holds RKE2's bootstrap data under another token's key", BootstrapKey.Refusal("snap", snapshot.BootstrapKeys, "ours"), StringComparison.Ordinal);
            Assert.DoesNotContain(BootstrapKey.For("ours")[11..], BootstrapKey.Refusal("snap", snapshot.BootstrapKeys, "ours"), StringComparison.Ordinal);
            Assert.Null(BootstrapKey.Refusal("snap", snapshot.BootstrapKeys, "theirs"));
            Assert.Null(BootstrapKey.Refusal("snap", [], "ours"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

using System.Text.RegularExpressions;
using Rke2Converge.Model;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Restore;

/// <summary>A node as the restore sees it: its name, role and RKE2 configuration (for data-dir and etcd-snapshot-dir).</summary>
internal sealed record RestoreNode(string Name, NodeRole Role, ConfigMap Config);

/// <summary>What to restore: the nodes, the snapshot, the backup stamp.</summary>
/// <param name="Nodes">Every node in rollout order: servers in join order, then agents.</param>
/// <param name="Snapshot">A file name in the first server's snapshot directory (as <c>etcd-snapshot list</c> shows it) or an absolute path.</param>
/// <param name="Stamp">The time in the backup directories' names, <c>yyyyMMddTHHmmssZ</c>.</param>
internal sealed record RestoreRequest(IReadOnlyList<RestoreNode> Nodes, string Snapshot, string Stamp);

/// <summary>A snapshot file on the machine running rke2c, for a restore into new nodes.</summary>
/// <param name="File">Its full local path.</param>
/// <param name="Sha256">Its SHA-256, read once: the push sends these bytes and the host checks them.</param>
/// <param name="Bytes">Its size.</param>
internal sealed record LocalSnapshot(string File, string Sha256, long Bytes)
{
    /// <summary>The bootstrap keys the file holds (<see cref="BootstrapKey"/>); empty when it holds none in the clear (compressed).</summary>
    public IReadOnlyCollection<string> BootstrapKeys { get; init; } = [];

    /// <summary>The name it gets in the first server's snapshot directory: its local file name.</summary>
    public string Name => System.IO.Path.GetFileName(File);

    /// <summary>The file as given on the command line (relative to the current directory), hashed; or why it cannot be restored.</summary>
    public static (LocalSnapshot? Snapshot, string? Refusal) Read(string given)
    {
        ArgumentNullException.ThrowIfNull(given);
        var shown = Model.Validation.Printable.Escape(given);
        if (given.Length == 0) return (null, "--from needs the snapshot file on this machine");
        var file = System.IO.Path.GetFullPath(given);
        if (Directory.Exists(file)) return (null, $"the snapshot {shown} is a directory on this machine, not a file");
        if (!System.IO.File.Exists(file)) return (null, $"the snapshot {shown} does not exist on this machine");
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length == 0) return (null, $"the snapshot {shown} is empty");
            var bytes = stream.Length;
            // One pass: hashed, and scanned for bootstrap keys (chunks overlap by a key's length, so none is split).
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var overlap = BootstrapKey.Prefix.Length + BootstrapKey.HashLength - 1;
            var buffer = new byte[(1 << 20) + overlap];
            var carried = 0;
            for (int read; (read = stream.Read(buffer, carried, buffer.Length - carried)) > 0;)
            {
                hash.AppendData(buffer, carried, read);
                var filled = carried + read;
                BootstrapKey.Collect(buffer.AsSpan(0, filled), keys);
                carried = Math.Min(overlap, filled);
                Array.Copy(buffer, filled - carried, buffer, 0, carried);
            }
            return (new LocalSnapshot(file, Convert.ToHexStringLower(hash.GetHashAndReset()), bytes) { BootstrapKeys = keys }, null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return (null, $"the snapshot {shown} cannot be read on this machine: {error.Message}");
        }
    }
}

/// <summary>
/// RKE2's procedure for restoring a snapshot to existing nodes (docs.rke2.io, backup_restore, "Restoring a Snapshot to
/// Existing Nodes"), as steps: the snapshot checked on the first server in join order before anything stops; every
/// server stopped, then every agent; <c>rke2 server --cluster-reset --cluster-reset-restore-path</c> on the first server,
/// which is then started behind its gates; each other server in join order has its <c>server/db</c> moved aside
/// (upstream says delete; rke2c keeps it as <c>db.rke2c-restore-STAMP</c>) and is started behind its gates; then the agents.
/// </summary>
internal sealed partial class RestoreProcedure
{
    /// <summary>How long the foreground cluster reset may run (upstream waits for etcd to run alone, about a minute).</summary>
    public static readonly TimeSpan ResetTimeout = TimeSpan.FromMinutes(10);

    private RestoreProcedure(string server, string path, IReadOnlyList<RestoreStep> steps, LocalSnapshot? from = null)
    {
        Server = server;
        Path = path;
        Steps = steps;
        From = from;
    }

    /// <summary>The local file a restore into new nodes pushes; null for a restore into the existing cluster.</summary>
    public LocalSnapshot? From { get; }

    /// <summary>The server the cluster is reset on: the first in join order.</summary>
    public string Server { get; }

    /// <summary>The snapshot file on <see cref="Server"/>.</summary>
    public string Path { get; }

    /// <summary>Every step, in order.</summary>
    public IReadOnlyList<RestoreStep> Steps { get; }

    /// <summary>The procedure, or null with the reason it is refused.</summary>
    public static (RestoreProcedure? Procedure, string? Refusal) Build(RestoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var servers = request.Nodes.Where(node => node.Role.IsServer()).ToList();
        var agents = request.Nodes.Where(node => !node.Role.IsServer()).ToList();
        if (servers.Count == 0) return (null, "the playbook declares no server, so there is no etcd to restore");
        var first = servers[0];
        if (FirstServerRefusal(first) is { } notEtcd) return (null, notEtcd);
        if (!StampPattern().IsMatch(request.Stamp)) return (null, $"invalid backup stamp '{request.Stamp}'");
        var path = ResolvePath(first, request.Snapshot, out var refusal);
        if (path is null) return (null, refusal);

        var steps = new List<RestoreStep> { new CheckSnapshotStep(first.Name, path) };
        steps.AddRange(servers.Select(server => new StopStep(server.Name, server.Role.ServiceName())));
        steps.AddRange(agents.Select(agent => new StopStep(agent.Name, agent.Role.ServiceName())));
        steps.Add(new ClusterResetStep(first.Name, path, ResetTimeout));
        steps.Add(new StartStep([first.Name], "the restored etcd, a single member"));
        foreach (var server in servers.Skip(1))
        {
            var database = DatabaseDirectory(server.Config);
            steps.Add(new MoveDatabaseAsideStep(server.Name, database, $"{database}.rke2c-restore-{request.Stamp}"));
            steps.Add(new StartStep([server.Name], "rejoins the restored cluster"));
        }
        if (agents.Count > 0) steps.Add(new StartStep([.. agents.Select(agent => agent.Name)], "agents"));
        return (new RestoreProcedure(first.Name, path, steps), null);
    }

    /// <summary>
    /// RKE2's procedure for restoring a snapshot to new nodes (docs.rke2.io, backup_restore, "Restoring a Snapshot to New
    /// Nodes"): on the first server in join order, which must never have run (checked first, a read), apply's own
    /// install and configuration without the start; the local snapshot pushed into its snapshot directory; the cluster
    /// reset from it; then the rest of the playbook as apply converges it, that server first. The other nodes join as
    /// into a new cluster: they hold no etcd data, so nothing is stopped or moved aside.
    /// </summary>
    public static (RestoreProcedure? Procedure, string? Refusal) BuildFresh(IReadOnlyList<RestoreNode> nodes, LocalSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(snapshot);
        var servers = nodes.Where(node => node.Role.IsServer()).ToList();
        if (servers.Count == 0) return (null, "the playbook declares no server, so there is no etcd to restore");
        var first = servers[0];
        if (FirstServerRefusal(first) is { } notEtcd) return (null, notEtcd);
        if (!SnapshotName().IsMatch(snapshot.Name))
        {
            return (null, $"the snapshot file name '{Model.Validation.Printable.Escape(snapshot.Name)}' is not one rke2c puts on a host "
                + "(letters, digits, '.', '_' and '-', starting with a letter or digit): copy or rename the file first");
        }
        if (!Sha256Pattern().IsMatch(snapshot.Sha256)) return (null, $"invalid SHA-256 '{snapshot.Sha256}'");
        var directory = EtcdSnapshotOperations.Directory(first.Config).TrimEnd('/');
        var path = $"{directory}/{snapshot.Name}";
        RestoreStep[] steps =
        [
            new CheckNoEtcdDataStep(first.Name, EtcdDirectory(first.Config)),
            new InstallWithoutStartStep(first.Name),
            new PushSnapshotStep(first.Name, snapshot.File, directory, snapshot.Name, snapshot.Sha256, snapshot.Bytes),
            new ClusterResetStep(first.Name, path, ResetTimeout) { Fresh = true },
            new ApplyStep([.. nodes.Select(node => node.Name)]),
        ];
        return (new RestoreProcedure(first.Name, path, steps, snapshot), null);
    }

    /// <summary><c>${data-dir}/server/db/etcd</c>, etcd's own data (k3s pkg/etcd/etcd.go DBDir).</summary>
    public static string EtcdDirectory(ConfigMap config) => $"{DatabaseDirectory(config)}/etcd";

    private static string? FirstServerRefusal(RestoreNode first) => first.Role.CarriesEtcd()
        ? null
        : $"{first.Name}, the first server in join order, does not run etcd ({first.Role}); the cluster reset runs on an etcd member: put one first in JoinOrder(...)";

    /// <summary><c>${data-dir}/server/db</c>, where RKE2 keeps etcd's data (k3s pkg/etcd/etcd.go DBDir).</summary>
    public static string DatabaseDirectory(ConfigMap config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var data = config["data-dir"] is string dir && dir.Length > 0 ? dir.TrimEnd('/') : "/var/lib/rancher/rke2";
        return $"{data}/server/db";
    }

    private static string? ResolvePath(RestoreNode first, string snapshot, out string? refusal)
    {
        refusal = null;
        if (snapshot.StartsWith('/'))
        {
            if (snapshot.Split('/').Any(part => part is "." or "..") || snapshot.Any(char.IsControl) || snapshot.EndsWith('/'))
            {
                refusal = $"the snapshot path '{Model.Validation.Printable.Escape(snapshot)}' must be an absolute path to a file, without '.' or '..'";
                return null;
            }
            return snapshot;
        }
        if (!SnapshotName().IsMatch(snapshot))
        {
            refusal = $"the snapshot '{Model.Validation.Printable.Escape(snapshot)}' is neither a file name in {first.Name}'s snapshot directory "
                + "(as rke2c etcd-snapshot list shows it) nor an absolute path";
            return null;
        }
        return $"{EtcdSnapshotOperations.Directory(first.Config).TrimEnd('/')}/{snapshot}";
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$")]
    private static partial Regex SnapshotName();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z$")]
    private static partial Regex StampPattern();
}

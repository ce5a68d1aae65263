using Rke2Sim.Cluster;
using Rke2Sim.Logging;

namespace Rke2Sim.Cli.Rke2;

/// <summary><c>rke2 etcd-snapshot save [--name N]</c>: asks the local server to snapshot etcd; logs like upstream (stderr, logrus).</summary>
public static class EtcdSnapshotCommand
{
    /// <summary>Flags of <c>rke2 etcd-snapshot save</c> the simulator knows (k3s pkg/cli/cmds/etcd_snapshot.go).</summary>
    private static readonly (string[] Names, bool TakesValue)[] SaveFlags =
    [
        (["name"], true), (["dir", "etcd-snapshot-dir"], true), (["data-dir", "d"], true), (["node-name"], true),
        (["snapshot-compress", "etcd-snapshot-compress"], false), (["debug"], false), (["config", "c"], true),
    ];

    private const string Help = """
        NAME:
           rke2 etcd-snapshot save - Trigger an immediate etcd snapshot

        USAGE:
           rke2 etcd-snapshot save [command options] [arguments...]

        OPTIONS:
           --name value                        (db) Set the base name of etcd snapshots (default: "on-demand")
           --dir value, --etcd-snapshot-dir value  (db) Directory to save etcd on-demand snapshot
           --data-dir value, -d value          (data) Folder to hold state (default: "/var/lib/rancher/rke2")
           --snapshot-compress                 (db) Compress etcd snapshot
           --help, -h                          show help

        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var top = UrfaveArguments.Parse(args, SaveFlags);
        if (top.Error is not null) return UrfaveArguments.Refuse(top.Error, Help);
        if (top.HelpRequested)
        {
            Console.Out.Write(Help);
            return 0;
        }
        var sub = top.Positional.FirstOrDefault() ?? "save";
        if (sub is "help" or "h")
        {
            Console.Out.Write(Help);
            return 0;
        }
        if (sub != "save")
        {
            LogrusLog.Fatal($"etcd-snapshot {sub} is not supported by the simulator");
            return 1;
        }
        var options = top.Positional.Count == 0 ? top : UrfaveArguments.Parse(top.Positional.Skip(1).ToList(), SaveFlags);
        if (options.Error is not null) return UrfaveArguments.Refuse(options.Error, Help);
        if (options.HelpRequested)
        {
            Console.Out.Write(Help);
            return 0;
        }
        var name = options.Value("name") ?? top.Value("name") ?? "on-demand";
        var client = LocalServer.Client(out var error);
        if (client is null)
        {
            LogrusLog.Fatal($"etcd-snapshot error: {error}");
            return 1;
        }
        try
        {
            var fileName = await client.PostTextAsync(Protocol.Prefix + "/local/etcd-snapshot", new SnapshotRequest(name), CancellationToken.None);
            LogrusLog.Info($"Snapshot {fileName.Trim()} saved.");
            return 0;
        }
        catch (SupervisorRefusedException e)
        {
            LogrusLog.Fatal($"see server log for details: {e.Body}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            LogrusLog.Fatal($"see server log for details: {e.Message}");
            return 1;
        }
    }
}

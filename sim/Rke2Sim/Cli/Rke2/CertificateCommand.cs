using Rke2Sim.Hosting;
using Rke2Sim.Logging;
using Rke2Sim.Tls;

namespace Rke2Sim.Cli.Rke2;

/// <summary>
/// <c>rke2 certificate rotate</c>, as k3s's pkg/cli/cert/cert.go rotate does it on a server: copy <c>server/tls</c>
/// to <c>server/tls-UNIXTIME</c>, remove the leaf certificates, and log that the next start issues new ones (new
/// keys, new serials). The service is meant to be stopped around it (docs.rke2.io/advanced, "Certificate Rotation").
/// Only the whole set is modelled: <c>--service</c> is refused.
/// </summary>
public static class CertificateCommand
{
    private const string Help = """
        NAME:
           rke2 certificate - Manage RKE2 certificates

        USAGE:
           rke2 certificate command [command options] [arguments...]

        COMMANDS:
           rotate     Rotate RKE2 component certificates on disk
           rotate-ca  Write updated RKE2 CA certificates to the datastore

        """;

    // k3s pkg/cli/cmds/certs.go: the rotate command's flags (config, debug, log, data-dir, service).
    private static readonly (string[] Names, bool TakesValue)[] RotateFlags =
    [
        (["config", "c"], true), (["debug"], false), (["log", "l"], true), (["alsologtostderr"], false),
        (["data-dir", "d"], true), (["service", "s"], true),
    ];

    public static int Run(string[] args)
    {
        var top = UrfaveArguments.Parse(args, []);
        if (top.Error is not null) return UrfaveArguments.Refuse(top.Error, Help);
        if (top.HelpRequested || top.Positional.Count == 0 || top.Positional[0] is "help" or "h")
        {
            Console.Out.Write(Help);
            return 0;
        }
        var sub = top.Positional[0];
        if (sub != "rotate")
        {
            if (sub == "rotate-ca") LogrusLog.Fatal("certificate rotate-ca is not modelled by the simulator");
            else Console.Error.WriteLine($"No help topic for '{sub}'");
            return sub == "rotate-ca" ? 1 : 3;
        }
        var rotate = UrfaveArguments.Parse(top.Positional.Skip(1).ToArray(), RotateFlags);
        if (rotate.Error is not null) return UrfaveArguments.Refuse(rotate.Error, Help);
        if (rotate.HelpRequested)
        {
            Console.Out.Write("NAME:\n   rke2 certificate rotate - Rotate RKE2 component certificates on disk\n");
            return 0;
        }
        if (rotate.Has("service"))
        {
            LogrusLog.Fatal("certificate rotate --service is not supported by the simulator");
            return 1;
        }
        var tls = SimPaths.Resolve(SimPaths.TlsDir);
        if (!Directory.Exists(tls))
        {
            LogrusLog.Fatal("certificate rotate: the simulator models servers only (no server/tls directory here)");
            return 1;
        }
        LogrusLog.Info("Server detected, rotating agent and server certificates");
        var backup = SimPaths.Resolve($"/var/lib/rancher/rke2/server/tls-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
        Directory.CreateDirectory(backup);
        foreach (var file in Directory.GetFiles(tls)) File.Copy(file, Path.Join(backup, Path.GetFileName(file)), overwrite: true);
        LogrusLog.Info("Rotating certificates for api-server");
        foreach (var file in LeafCertificates.RotatedFiles) File.Delete(SimPaths.Resolve(file));
        LogrusLog.Info($"Successfully backed up certificates to {backup}, please restart rke2 server or agent to rotate certificates");
        return 0;
    }
}

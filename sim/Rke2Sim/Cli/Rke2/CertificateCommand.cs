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
    public static int Run(string[] args)
    {
        var sub = args.FirstOrDefault(a => !a.StartsWith('-'));
        if (sub != "rotate")
        {
            LogrusLog.Fatal($"certificate {sub ?? "(none)"} is not supported by the simulator");
            return 1;
        }
        if (args.Any(a => a == "--service" || a.StartsWith("--service=", StringComparison.Ordinal) || a == "-s"))
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

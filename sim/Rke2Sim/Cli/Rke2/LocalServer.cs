using Rke2Sim.Cluster;
using Rke2Sim.Hosting;
using Rke2Sim.Tls;

namespace Rke2Sim.Cli.Rke2;

/// <summary>How the rke2 CLI subcommands reach the server running on this node (its supervisor, with the server token).</summary>
public static class LocalServer
{
    public static SupervisorClient? Client(out string? error)
    {
        var token = SimPaths.ReadIfExists(SimPaths.TokenFile)?.Trim();
        if (token is null)
        {
            error = $"open {SimPaths.TokenFile}: no such file or directory";
            return null;
        }
        error = null;
        var host = HostEnvironment.Load();
        return new SupervisorClient($"https://{host.Loopback}:9345", ParsedToken.Parse(token).Secret);
    }
}

using System.Text.Json;
using Rke2Sim.Cluster;
using Rke2Sim.Daemon;
using Rke2Sim.Hosting;

namespace Rke2Sim.Cli;

/// <summary><c>rke2-killall.sh</c>: kills every container of the node (the static pods stop until rke2 starts again).</summary>
public static class KillAllCommand
{
    public static int Run()
    {
        var file = SimPaths.ContainerStateFor(SimPaths.ContainerdSocket);
        var containers = NodeRuntime.Load(file);
        foreach (var container in containers) container.Running = false;
        if (containers.Count > 0) SimPaths.WriteAtomically(file, JsonSerializer.Serialize(containers, Protocol.Json));
        Console.Out.WriteLine("+ killing containers and rke2 runtime processes");
        return 0;
    }
}

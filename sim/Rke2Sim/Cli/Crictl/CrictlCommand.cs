using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rke2Sim.Cluster;
using Rke2Sim.Hosting;
using Rke2Sim.Logging;

namespace Rke2Sim.Cli.Crictl;

/// <summary><c>crictl ps</c> against this node's (simulated) containerd, found through CRI_CONFIG_FILE like the real tool.</summary>
public static class CrictlCommand
{
    public static int Run(string[] args)
    {
        var command = args.FirstOrDefault(a => !a.StartsWith('-'));
        if (command == "exec") return Exec(args);
        if (command != "ps")
        {
            Console.Error.WriteLine($"simulated crictl supports only \"ps\" and \"exec\" (got \"{string.Join(' ', args)}\")");
            return 1;
        }
        var options = args.SkipWhile(a => a != "ps").Skip(1).ToArray();
        var endpoint = RuntimeEndpoint();
        var socket = endpoint.StartsWith("unix://", StringComparison.Ordinal) ? endpoint[7..] : endpoint;
        var stateFile = SimPaths.Resolve(SimPaths.ContainerStateFor(socket));
        if (!File.Exists(stateFile))
        {
            LogrusLog.Fatal($"validate service connection: validate CRI v1 runtime API for endpoint \"{endpoint}\": rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix {socket}: connect: no such file or directory\"");
            return 1;
        }
        var containers = Rke2Sim.Daemon.NodeRuntime.Load(SimPaths.ContainerStateFor(socket));
        var all = options.Contains("-a") || options.Contains("--all");
        var state = Option(options, "--state") ?? Option(options, "-s");
        var name = Option(options, "--name");
        var output = Option(options, "-o") ?? Option(options, "--output") ?? "table";
        var quiet = options.Contains("-q") || options.Contains("--quiet");
        var selected = containers
            .Where(c => state is null ? all || c.Running : StateName(c).Contains(state.ToUpperInvariant(), StringComparison.Ordinal))
            .Where(c => name is null || Regex.IsMatch(c.Name, name))
            .OrderByDescending(c => c.CreatedAtNs)
            .ToList();
        if (quiet)
        {
            foreach (var c in selected) Console.Out.WriteLine(c.Id);
            return 0;
        }
        if (output == "json")
        {
            var array = new JsonArray();
            foreach (var c in selected) array.Add(Json(c));
            Console.Out.WriteLine(new JsonObject { ["containers"] = array }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        var now = DateTimeOffset.UtcNow;
        Console.Out.Write(TextTable.Render(
            ["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD"],
            selected.Select(c => (IReadOnlyList<string>)
            [
                c.Id[..13], ImageId(c)[..13], Ago(now - DateTimeOffset.FromUnixTimeMilliseconds(c.CreatedAtNs / 1_000_000)),
                c.Running ? "Running" : "Exited", c.Name, c.Attempt.ToString(CultureInfo.InvariantCulture), c.PodSandboxId[..13], c.PodName,
            ])));
        return 0;
    }

    /// <summary><c>crictl exec [-i] [-t] CONTAINER COMMAND...</c>: only the etcd container's etcdctl is simulated.</summary>
    private static int Exec(string[] args)
    {
        var rest = args.SkipWhile(a => a != "exec").Skip(1).SkipWhile(a => a.StartsWith('-')).ToList();
        if (rest.Count < 2)
        {
            Console.Error.WriteLine("crictl exec: a container ID and a command are required");
            return 1;
        }
        var endpoint = RuntimeEndpoint();
        var socket = endpoint.StartsWith("unix://", StringComparison.Ordinal) ? endpoint[7..] : endpoint;
        var container = File.Exists(SimPaths.Resolve(SimPaths.ContainerStateFor(socket)))
            ? Rke2Sim.Daemon.NodeRuntime.Load(SimPaths.ContainerStateFor(socket)).FirstOrDefault(c => c.Id.StartsWith(rest[0], StringComparison.Ordinal))
            : null;
        if (container is null || !container.Running)
        {
            LogrusLog.Fatal($"execing command in container: container {rest[0]} is not running or does not exist");
            return 1;
        }
        if (container.Name != "etcd")
        {
            Console.Error.WriteLine($"simulated crictl exec supports only the etcd container (got {container.Name})");
            return 1;
        }
        return EtcdctlInContainer.RunAsync(rest.Skip(1).ToList()).GetAwaiter().GetResult();
    }

    private static JsonObject Json(ContainerRecord c) => new()
    {
        ["id"] = c.Id,
        ["podSandboxId"] = c.PodSandboxId,
        ["metadata"] = new JsonObject { ["name"] = c.Name, ["attempt"] = c.Attempt },
        ["image"] = new JsonObject { ["image"] = "sha256:" + ImageId(c), ["annotations"] = new JsonObject(), ["userSpecifiedImage"] = "", ["runtimeHandler"] = "" },
        ["imageRef"] = "sha256:" + ImageId(c),
        ["state"] = StateName(c),
        ["createdAt"] = c.CreatedAtNs.ToString(CultureInfo.InvariantCulture),
        ["labels"] = new JsonObject
        {
            ["io.kubernetes.container.name"] = c.Name,
            ["io.kubernetes.pod.name"] = c.PodName,
            ["io.kubernetes.pod.namespace"] = "kube-system",
            ["io.kubernetes.pod.uid"] = c.PodUid,
        },
        ["annotations"] = new JsonObject
        {
            ["io.kubernetes.container.restartCount"] = c.Attempt.ToString(CultureInfo.InvariantCulture),
            ["io.kubernetes.pod.terminationGracePeriod"] = "30",
        },
    };

    private static string StateName(ContainerRecord c) => c.Running ? "CONTAINER_RUNNING" : "CONTAINER_EXITED";

    private static string ImageId(ContainerRecord c) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(c.Image)));

    private static string RuntimeEndpoint()
    {
        var config = Environment.GetEnvironmentVariable("CRI_CONFIG_FILE") ?? "/etc/crictl.yaml";
        var text = SimPaths.ReadIfExists(config);
        var line = text?.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("runtime-endpoint:", StringComparison.Ordinal));
        return line is null ? "unix:///run/containerd/containerd.sock" : line[(line.IndexOf(':') + 1)..].Trim().Trim('"', '\'');
    }

    private static string? Option(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == name && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
        }
        return null;
    }

    private static string Ago(TimeSpan age) => age.TotalSeconds < 60
        ? $"{Math.Max(1, (int)age.TotalSeconds)} seconds ago"
        : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} minutes ago" : $"{(int)age.TotalHours} hours ago";
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rke2Sim.Cli.Rke2;
using Rke2Sim.Cluster;
using Rke2Sim.Hosting;
using Rke2Sim.Logging;

namespace Rke2Sim.Cli.Crictl;

/// <summary>
/// <c>crictl ps</c> and <c>crictl exec</c> against this node's (simulated) containerd, found through
/// <c>--runtime-endpoint</c>, <c>--config</c> or CRI_CONFIG_FILE like the real tool. crictl is a urfave/cli app
/// (kubernetes-sigs/cri-tools cmd/crictl/main.go, container.go): its flags parse as <see cref="UrfaveArguments"/>
/// does, an unknown flag is refused and an unknown command has no help topic.
/// </summary>
public static class CrictlCommand
{
    private static readonly (string[] Names, bool TakesValue)[] GlobalFlags =
    [
        (["config", "c"], true), (["runtime-endpoint", "r"], true), (["image-endpoint", "i"], true), (["timeout", "t"], true),
        (["debug", "D"], false), (["version", "v"], false),
    ];

    private static readonly (string[] Names, bool TakesValue)[] PsFlags =
    [
        (["all", "a"], false), (["id"], true), (["name"], true), (["pod", "p"], true), (["state", "s"], true), (["label"], true),
        (["last", "n"], true), (["latest", "l"], false), (["no-trunc"], false), (["quiet", "q"], false), (["output", "o"], true),
        (["image"], true), (["verbose", "v"], false), (["resolve-image-path"], false), (["namespace"], true),
    ];

    private static readonly (string[] Names, bool TakesValue)[] ExecFlags =
    [
        (["sync", "s"], false), (["timeout"], true), (["tty", "t"], false), (["interactive", "i"], false),
    ];

    // crictl's other commands: real, but not modelled here.
    private static readonly HashSet<string> Unmodelled = new(StringComparer.Ordinal)
    {
        "attach", "create", "version", "images", "image", "img", "imagefsinfo", "inspect", "inspecti", "inspectp", "logs",
        "port-forward", "pull", "run", "runp", "rm", "rmi", "rmp", "pods", "start", "info", "stop", "stopp", "update",
        "config", "stats", "statsp", "checkpoint", "completion", "events", "update-runtime-config", "metricsp",
    };

    private const string Help = """
        NAME:
           crictl - client for CRI

        USAGE:
           crictl [global options] command [command options]

        COMMANDS:
           exec  Run a command in a running container
           ps    List containers

        """;

    public static int Run(string[] args)
    {
        var top = UrfaveArguments.Parse(args, GlobalFlags);
        if (top.Error is not null) return UrfaveArguments.Refuse(top.Error, Help);
        if (top.HelpRequested || top.Positional.Count == 0 || top.Positional[0] is "help" or "h")
        {
            Console.Out.Write(Help);
            return 0;
        }
        var command = top.Positional[0];
        var rest = top.Positional.Skip(1).ToArray();
        if (command == "exec") return Exec(top, rest);
        if (command != "ps")
        {
            if (Unmodelled.Contains(command))
            {
                LogrusLog.Fatal($"crictl {command} is not modelled by the simulator");
                return 1;
            }
            Console.Error.WriteLine($"No help topic for '{command}'");
            return 3;
        }
        var options = UrfaveArguments.Parse(CombinedShortSwitches(rest, PsFlags), PsFlags);
        if (options.Error is not null) return UrfaveArguments.Refuse(options.Error, "NAME:\n   crictl ps - List containers\n");
        if (options.HelpRequested)
        {
            Console.Out.Write("NAME:\n   crictl ps - List containers\n");
            return 0;
        }
        var endpoint = RuntimeEndpoint(top);
        var socket = endpoint.StartsWith("unix://", StringComparison.Ordinal) ? endpoint[7..] : endpoint;
        var stateFile = SimPaths.Resolve(SimPaths.ContainerStateFor(socket));
        if (!File.Exists(stateFile))
        {
            LogrusLog.Fatal($"validate service connection: validate CRI v1 runtime API for endpoint \"{endpoint}\": rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix {socket}: connect: no such file or directory\"");
            return 1;
        }
        var containers = Rke2Sim.Daemon.NodeRuntime.Load(SimPaths.ContainerStateFor(socket));
        var all = options.Has("all");
        var state = options.Value("state");
        var name = options.Value("name");
        var output = options.Value("output") ?? "table";
        var quiet = options.Has("quiet");
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

    /// <summary>
    /// <c>crictl exec [-i] [-t] CONTAINER COMMAND...</c>: only the etcd container's etcdctl is simulated. Go's flag
    /// parsing stops at the container ID, so the command's own flags pass through.
    /// </summary>
    private static int Exec(UrfaveArguments top, string[] args)
    {
        var options = UrfaveArguments.Parse(CombinedShortSwitches(args, ExecFlags), ExecFlags);
        if (options.Error is not null) return UrfaveArguments.Refuse(options.Error, "NAME:\n   crictl exec - Run a command in a running container\n");
        var rest = options.Positional;
        if (options.HelpRequested)
        {
            Console.Out.Write("NAME:\n   crictl exec - Run a command in a running container\n");
            return 0;
        }
        if (rest.Count < 2)
        {
            LogrusLog.Fatal("execing command in container: container ID and command cannot be empty");
            return 1;
        }
        var endpoint = RuntimeEndpoint(top);
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

    /// <summary>
    /// crictl's commands enable urfave/cli's short option handling (<c>ps -aq</c>, <c>exec -it</c>): a single-dash run
    /// of one-letter switches before the first positional argument is those switches.
    /// </summary>
    private static string[] CombinedShortSwitches(string[] args, (string[] Names, bool TakesValue)[] flags)
    {
        var switches = flags.Where(f => !f.TakesValue).SelectMany(f => f.Names).Where(n => n.Length == 1).ToHashSet(StringComparer.Ordinal);
        var expanded = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-' || arg == "--")
            {
                expanded.AddRange(args[i..]);
                break;
            }
            var takesValue = flags.Any(f => f.TakesValue && f.Names.Contains(arg.TrimStart('-').Split('=')[0], StringComparer.Ordinal));
            if (arg.Length > 2 && arg[1] != '-' && arg[1..].All(c => switches.Contains(c.ToString())))
                expanded.AddRange(arg[1..].Select(c => "-" + c));
            else
                expanded.Add(arg);
            if (takesValue && !arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length) expanded.Add(args[++i]);
        }
        return [.. expanded];
    }

    private static string RuntimeEndpoint(UrfaveArguments top)
    {
        if (top.Value("runtime-endpoint") is { } given) return given;
        var config = top.Value("config") ?? Environment.GetEnvironmentVariable("CRI_CONFIG_FILE") ?? "/etc/crictl.yaml";
        var text = SimPaths.ReadIfExists(config);
        var line = text?.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("runtime-endpoint:", StringComparison.Ordinal));
        return line is null ? "unix:///run/containerd/containerd.sock" : line[(line.IndexOf(':') + 1)..].Trim().Trim('"', '\'');
    }

    private static string Ago(TimeSpan age) => age.TotalSeconds < 60
        ? $"{Math.Max(1, (int)age.TotalSeconds)} seconds ago"
        : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} minutes ago" : $"{(int)age.TotalHours} hours ago";
}

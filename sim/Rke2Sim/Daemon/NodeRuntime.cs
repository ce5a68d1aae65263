using System.Security.Cryptography;
using System.Text.Json;
using Rke2Sim.Cluster;
using Rke2Sim.Config;
using Rke2Sim.Hosting;

namespace Rke2Sim.Daemon;

/// <summary>
/// This node's container runtime and components as the daemon drives them: the static pod containers (persisted
/// for crictl next to the CRI socket), and which components are up. Thread-safe.
/// </summary>
public sealed class NodeRuntime
{
    private const int KeptExitedPerPod = 3;

    private readonly Lock _gate = new();
    private readonly List<ContainerRecord> _containers;
    private readonly string _stateFile;

    public NodeRuntime(string node, string address, NodeRoles roles, string version, Dictionary<string, string> labels, List<string> taints)
    {
        Node = node;
        Address = address;
        Roles = roles;
        Version = version;
        Labels = labels;
        Taints = taints;
        _stateFile = SimPaths.ContainerStateFor(SimPaths.ContainerdSocket);
        _containers = Load(_stateFile);
    }

    public string Node { get; }
    public string Address { get; }
    public NodeRoles Roles { get; }
    public string Version { get; }
    public Dictionary<string, string> Labels { get; }
    public List<string> Taints { get; }
    public DateTimeOffset ProcessStartedAt { get; } = DateTimeOffset.UtcNow;

    // The kubelet posts the boot id cadvisor reads from /proc/sys/kernel/random/boot_id with every node status
    // (kubernetes pkg/kubelet/nodestatus/setters.go MachineInfo: node.Status.NodeInfo.BootID = info.BootID).
    public string BootId { get; } = Kernel.KernelParameters.Read("kernel.random.boot_id") ?? "";
    public NodePhase Phase { get; set; } = NodePhase.Starting;
    public bool KubeletRunning { get; set; }

    public bool IsRunning(string container)
    {
        lock (_gate) return _containers.Any(c => c.Name == container && c.Running);
    }

    /// <summary>
    /// Starts a container. A new pod (fresh sandbox, as after a manifest rewrite) starts at attempt 0; a restart
    /// inside the current pod increments the attempt, like the kubelet does.
    /// </summary>
    public ContainerRecord Start(string container, string image, bool newPod)
    {
        lock (_gate)
        {
            var podName = $"{container}-{Node}";
            var current = _containers.Where(c => c.Name == container).OrderBy(c => c.CreatedAtNs).LastOrDefault();
            foreach (var old in _containers.Where(c => c.Name == container)) old.Running = false;
            var samePod = !newPod && current is not null;
            var record = new ContainerRecord
            {
                Id = RandomHex(64),
                PodSandboxId = samePod ? current!.PodSandboxId : RandomHex(64),
                PodName = podName,
                PodUid = samePod ? current!.PodUid : Guid.NewGuid().ToString(),
                Name = container,
                Image = image,
                Attempt = samePod ? current!.Attempt + 1 : 0,
                CreatedAtNs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + Random.Shared.Next(0, 999_999),
                Running = true,
            };
            _containers.Add(record);
            Trim(container);
            Save();
            return record;
        }
    }

    public void Stop(string container)
    {
        lock (_gate)
        {
            foreach (var c in _containers.Where(c => c.Name == container)) c.Running = false;
            Save();
        }
    }

    public void StopAll()
    {
        lock (_gate)
        {
            foreach (var c in _containers) c.Running = false;
            Save();
        }
    }

    public NodeReport Report()
    {
        lock (_gate)
        {
            return new NodeReport
            {
                Node = Node,
                Address = Address,
                Roles = Roles,
                Version = Version,
                Labels = new Dictionary<string, string>(Labels),
                Taints = [.. Taints],
                Phase = Phase,
                ProcessStartedAt = ProcessStartedAt,
                BootId = BootId,
                EtcdRunning = Phase != NodePhase.Stopped && _containers.Any(c => c.Name == "etcd" && c.Running),
                ApiServerRunning = Phase != NodePhase.Stopped && _containers.Any(c => c.Name == "kube-apiserver" && c.Running),
                KubeletRunning = Phase != NodePhase.Stopped && KubeletRunning,
                Containers = _containers.Select(Copy).ToList(),
            };
        }
    }

    public static List<ContainerRecord> Load(string stateFile)
    {
        var path = SimPaths.Resolve(stateFile);
        if (!File.Exists(path)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<ContainerRecord>>(File.ReadAllText(path), Protocol.Json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private void Save() => SimPaths.WriteAtomically(_stateFile, JsonSerializer.Serialize(_containers, Protocol.Json));

    private void Trim(string container)
    {
        var exited = _containers.Where(c => c.Name == container && !c.Running).OrderBy(c => c.CreatedAtNs).ToList();
        foreach (var old in exited.Take(Math.Max(0, exited.Count - KeptExitedPerPod))) _containers.Remove(old);
    }

    private static ContainerRecord Copy(ContainerRecord c) => new()
    {
        Id = c.Id, PodSandboxId = c.PodSandboxId, PodName = c.PodName, PodUid = c.PodUid, Name = c.Name,
        Image = c.Image, Attempt = c.Attempt, CreatedAtNs = c.CreatedAtNs, Running = c.Running,
    };

    private static string RandomHex(int length) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(length / 2));
}

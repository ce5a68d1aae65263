using Rke2Converge.Model;

namespace Rke2Converge.Plan.Desired;

/// <summary>Everything one node should end up with: the playbook's values merged, plus what the engine derives.</summary>
internal sealed record NodeDesiredState(
    NodeSpec Node,
    Rke2Version Version,
    IReadOnlyDictionary<string, string> Sysctls,
    IReadOnlyCollection<string> SysctlsRequiredByKubelet,
    ConfigMap Config)
{
    public string Name => Node.Name;

    public NodeRole Role => Node.Role;

    public string ServiceName => Node.Role.ServiceName();

    /// <summary>Resources merged for this node, in declaration order.</summary>
    public IReadOnlyList<Resources.Resource> Resources { get; init; } = [];

    /// <summary>The images tarballs staged on the node before RKE2 starts (<c>Artifacts.Images(...)</c>); null when none are declared.</summary>
    public AirGapImages? Images { get; init; }

    /// <summary>Cordon/drain around this node's restart.</summary>
    public DrainPolicy Drain { get; init; } = DrainPolicy.DefaultFor(Node.Role);

    /// <summary>How many backups of each file rke2c replaces or removes on this node are kept (<c>KeepBackups(n)</c>).</summary>
    public int BackupsKept { get; init; } = Rollout.Operations.FileOperations.DefaultBackupsKept;

    /// <summary>
    /// What an operator's command asks of the running service although nothing in the playbook does (<c>rke2c restart</c>,
    /// <c>rke2c certificate rotate</c>), cordoned and drained per <see cref="Drain"/>; <see cref="RequestedRestart.None"/> for apply.
    /// </summary>
    public RequestedRestart RestartRequested { get; init; }

    /// <summary>What to do with drop-ins in config.yaml.d that fight this config.</summary>
    public ConfigDropInPolicy ConfigDropIns { get; init; } = ConfigDropInPolicy.Fail;

    /// <summary>True when the kubelet will refuse to start unless the kernel flags match (protect-kernel-defaults or profile: cis).</summary>
    public bool ProtectsKernelDefaults => KernelFlags.AreProtected(Config);

    /// <summary>Where the etcd health endpoint answers: loopback by default, the node address once metrics are exposed.</summary>
    public string EtcdProbeHost => IsTrue(Config["etcd-expose-metrics"]) ? Node.Address : "127.0.0.1";

    private static bool IsTrue(object? value) =>
        value is true || value is string text && text.Equals("true", StringComparison.OrdinalIgnoreCase);
}

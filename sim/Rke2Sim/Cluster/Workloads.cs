namespace Rke2Sim.Cluster;

/// <summary>A Deployment as <c>kubectl create deployment NAME --image=I --replicas=N</c> makes it: pods labelled app=NAME.</summary>
public sealed class DeploymentRecord
{
    public string Name { get; set; } = "";
    public string Namespace { get; set; } = "default";
    public string Image { get; set; } = "";
    public int Replicas { get; set; } = 1;
    public long PodsCreated { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A workload pod (not a static pod): owned by a Deployment's ReplicaSet, or bare (no controller).</summary>
public sealed class WorkloadPod
{
    public string Name { get; set; } = "";
    public string Namespace { get; set; } = "default";
    public string Uid { get; set; } = "";
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>The owning Deployment, or null for a bare pod.</summary>
    public string? Deployment { get; set; }

    /// <summary>The node it is bound to; empty while Pending (no schedulable node).</summary>
    public string NodeName { get; set; } = "";

    public string Image { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A PodDisruptionBudget (policy/v1): a label selector and minAvailable or maxUnavailable (absolute numbers).</summary>
public sealed class DisruptionBudget
{
    public string Name { get; set; } = "";
    public string Namespace { get; set; } = "default";
    public Dictionary<string, string> Selector { get; set; } = [];
    public int? MinAvailable { get; set; }
    public int? MaxUnavailable { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

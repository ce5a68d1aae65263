using Rke2Sim.Config;

namespace Rke2Sim.Cluster;

/// <summary>
/// The authoritative cluster state, held by the bootstrap server (what etcd and the apiserver would hold for real)
/// and persisted under its server/db directory so it survives restarts.
/// </summary>
public sealed class ClusterState
{
    public string Token { get; set; } = "";

    /// <summary>
    /// The etcd key the bootstrap data is stored under: <c>/bootstrap/</c> and the first 12 hex digits of the SHA-256 of
    /// the token's passphrase (k3s pkg/cluster/storage.go storageKey, keyHash). Only the value is encrypted with the
    /// token; etcd keeps keys as they are, so a snapshot file carries this one in the clear. Set when a snapshot is taken.
    /// </summary>
    public string BootstrapKey { get; set; } = "";

    /// <summary>k3s pkg/cluster/storage.go storageKey for a passphrase.</summary>
    public static string StorageKey(string passphrase) =>
        "/bootstrap/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(passphrase)))[..12];

    /// <summary>
    /// Tokens replaced by <c>rke2 token rotate</c>. Nodes already running keep their established connections (RKE2's
    /// agents use their client certificates once joined), so their calls are still accepted; a join or a restart is not.
    /// </summary>
    public List<string> RetiredTokens { get; set; } = [];
    public string CaCertPem { get; set; } = "";
    public string CaKeyPem { get; set; } = "";
    public Dictionary<string, string> CriticalConfig { get; set; } = [];
    public List<EtcdMember> EtcdMembers { get; set; } = [];

    /// <summary>
    /// etcd's cluster id as far as members' old data is concerned: empty until a <c>--cluster-reset</c>, which gives the
    /// cluster a new one; a member whose data holds another id cannot rejoin with it (see EtcdMemberMarker).
    /// </summary>
    public string EtcdClusterId { get; set; } = "";
    public Dictionary<string, string> ApiServerAddresses { get; set; } = [];
    public Dictionary<string, NodeRecord> Nodes { get; set; } = [];
    public Dictionary<string, JoinRecord> JoinsInProgress { get; set; } = [];

    /// <summary>When a learner was last promoted: etcd refuses membership changes as "unhealthy cluster" shortly after.</summary>
    public DateTimeOffset? LastPromotionAt { get; set; }

    public SecretsEncryptionState Encryption { get; set; } = new();
    public List<string> Snapshots { get; set; } = [];
    public List<DeploymentRecord> Deployments { get; set; } = [];
    public List<WorkloadPod> Pods { get; set; } = [];
    public List<DisruptionBudget> Budgets { get; set; } = [];

    /// <summary>Node objects deleted through the API, and when: a kubelet that registered before then does not register again until it restarts.</summary>
    public Dictionary<string, DateTimeOffset> DeletedNodes { get; set; } = [];
}

public sealed class EtcdMember
{
    public string Name { get; set; } = "";
    public string PeerUrl { get; set; } = "";
    public bool IsLearner { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>A server that has been added to etcd but has not finished joining (promotion, apiserver address).</summary>
public sealed class JoinRecord
{
    public string Node { get; set; } = "";
    public bool NeedsApiServerAddress { get; set; }
    public DateTimeOffset StartedAt { get; set; }
}

public sealed class SecretsEncryptionState
{
    public string Stage { get; set; } = "start";

    /// <summary>Bumped at every change of the encryption config; each server records the generation it last started with.</summary>
    public long Generation { get; set; }

    /// <summary>The AES-CBC key names, the active (encrypting) one first.</summary>
    public List<string> Keys { get; set; } = ["aescbckey"];

    /// <summary>Secrets the reencrypt controller rewrites.</summary>
    public int SecretCount { get; set; } = 25;

    /// <summary>The node whose reencrypt request is being worked on, and when it completes.</summary>
    public string? ReencryptNode { get; set; }

    public DateTimeOffset ReencryptFinishAt { get; set; }

    /// <summary>The running reencryption was started by rotate-keys (the apiserver reloads its config by itself).</summary>
    public bool RotateKeys { get; set; }
}

public sealed class NodeRecord
{
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public NodeRoles Roles { get; set; } = NodeRoles.Agent;
    public string Version { get; set; } = "";
    public Dictionary<string, string> Labels { get; set; } = [];
    public List<string> Taints { get; set; } = [];

    /// <summary>When the kubelet registered the node object; null while it never has.</summary>
    public DateTimeOffset? RegisteredAt { get; set; }

    public NodeReport? LastReport { get; set; }
    public DateTimeOffset LastSeen { get; set; }

    /// <summary>Secrets-encryption generation this server had when it last completed a start.</summary>
    public long AppliedEncryptionGeneration { get; set; }

    /// <summary>The node's rke2.io/encryption-config-hash annotation (control-plane nodes only): stage-hash.</summary>
    public string? EncryptionAnnotation { get; set; }

    public DateTimeOffset? LastSuccessfulStart { get; set; }

    /// <summary>spec.unschedulable: set by cordon (and drain), cleared by uncordon.</summary>
    public bool Unschedulable { get; set; }

    /// <summary>Set when the node was deleted but the etcd member finalizer could not remove its member yet.</summary>
    public DateTimeOffset? DeletionRequestedAt { get; set; }
}

public enum NodePhase
{
    Starting,
    Running,
    Stopped,
}

/// <summary>What a node's daemon reports about itself, periodically and at every change.</summary>
public sealed class NodeReport
{
    public string Node { get; set; } = "";
    public string Address { get; set; } = "";
    public NodeRoles Roles { get; set; } = NodeRoles.Agent;
    public string Version { get; set; } = "";
    public Dictionary<string, string> Labels { get; set; } = [];
    public List<string> Taints { get; set; } = [];
    public NodePhase Phase { get; set; }
    public DateTimeOffset ProcessStartedAt { get; set; }

    /// <summary>The host's boot id as the kubelet reports it in <c>status.nodeInfo.bootID</c> (empty when unknown).</summary>
    public string BootId { get; set; } = "";
    public bool EtcdRunning { get; set; }
    public bool ApiServerRunning { get; set; }
    public bool KubeletRunning { get; set; }

    public List<ContainerRecord> Containers { get; set; } = [];
}

/// <summary>One container as the CRI reports it.</summary>
public sealed class ContainerRecord
{
    public string Id { get; set; } = "";
    public string PodSandboxId { get; set; } = "";
    public string PodName { get; set; } = "";
    public string PodUid { get; set; } = "";
    public string Name { get; set; } = "";
    public string Image { get; set; } = "";
    public int Attempt { get; set; }
    public long CreatedAtNs { get; set; }
    public bool Running { get; set; }
}

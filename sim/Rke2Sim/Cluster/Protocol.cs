using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rke2Sim.Cluster;

/// <summary>Messages between a node's daemon and the bootstrap server's supervisor (the simulator's stand-in for etcd and the apiserver).</summary>
public static class Protocol
{
    public const string TokenHeader = "X-Rke2-Sim-Token";
    public const string Prefix = "/v1-sim";

    // rke2sim-client (Native AOT) links this file but never serializes with these options (see ClientProtocolJson).
#pragma warning disable IL3050
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };
#pragma warning restore IL3050
}

/// <summary>
/// A node asking to join. An agent names the addresses its client load balancer serves on (<see cref="ServingNames"/>),
/// as k3s agents send their node IPs in the <c>Rke2-Node-Ip</c> header when they fetch their node certificates.
/// </summary>
public sealed record JoinRequest(string Node, string Address, bool IsServer, Dictionary<string, string> Critical, IReadOnlyList<string>? ServingNames = null);

/// <summary>Servers receive the CA's key (they share the bootstrap data); agents never do, and get their certificates signed.</summary>
public sealed record JoinResponse(string CaCertPem, string? CaKeyPem, string Token, AgentCertificates? Agent = null);

/// <summary>
/// An agent's certificates, signed by the cluster CA on the server: k3s agents fetch <c>client-kubelet.crt</c> and
/// <c>serving-kubelet.crt</c> from <c>/v1-rke2/...</c> on the supervisor (k3s pkg/agent/config/config.go
/// getNodeNamedCrt, served by pkg/server/router.go), since only servers hold the CA keys.
/// </summary>
public sealed record AgentCertificates(string KubeletClientCertPem, string KubeletClientKeyPem, string ServingCertPem, string ServingKeyPem);

public sealed record AddMemberRequest(string Node, string PeerUrl, bool NeedsApiServerAddress);

public enum AddMemberOutcome
{
    AddedAsLearner,
    AlreadyMember,
    TooManyLearners,
    UnhealthyCluster,
}

public sealed record AddMemberResponse(AddMemberOutcome Outcome, string? BlockedBy);

public sealed record NodeRequest(string Node);

public sealed record RegisterApiServerRequest(string Node, string Address);

/// <summary>A secrets-encrypt command; <paramref name="Node"/> is the server it was run on (filled in by that server's supervisor).</summary>
public sealed record SecretsEncryptRequest(string Command, string? Node = null);

public sealed record SecretsEncryptResponse(string? Error, string Output);

/// <summary>Source-generated serialization (same names and rules as <see cref="Protocol.Json"/>) for the messages rke2sim-client sends.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SecretsEncryptRequest))]
[JsonSerializable(typeof(SecretsEncryptResponse))]
public sealed partial class ClientProtocolJson : JsonSerializerContext;

public sealed record SnapshotRequest(string Name);

/// <summary>k3s pkg/server/token.go TokenRotateRequest: a null or empty new token means a random one.</summary>
public sealed record TokenRotateRequest(string? NewToken);

public sealed record TokenRotateResponse(string Token);

public sealed record ErrorResponse(string Message);

/// <summary>A write to the apiserver, forwarded to the authority: method, path, JSON body.</summary>
public sealed record KubeRequest(string Method, string Path, string? Body);

public sealed record KubeResponse(int Status, string Body);

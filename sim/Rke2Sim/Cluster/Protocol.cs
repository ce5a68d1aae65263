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

public sealed record JoinRequest(string Node, string Address, bool IsServer, Dictionary<string, string> Critical);

public sealed record JoinResponse(string CaCertPem, string? CaKeyPem, string Token);

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

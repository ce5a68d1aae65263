using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Rke2Sim.Hosting;

namespace Rke2Sim.Cluster;

/// <summary>Outcome of asking the authority for something that can be refused.</summary>
public sealed record AuthorityResult<T>(T? Value, int Status, string? Error)
{
    public static AuthorityResult<T> Ok(T value) => new(value, 200, null);

    public static AuthorityResult<T> Fail(int status, string error) => new(default, status, error);
}

/// <summary>
/// The bootstrap server's copy of the cluster: serialises every change under one lock and persists it, so the
/// cluster survives a restart of the bootstrap server like etcd's data would.
/// </summary>
public sealed class ClusterAuthority
{
    private readonly Lock _gate = new();
    private readonly ClusterState _state;
    private readonly string? _stateFile;
    private readonly Func<DateTimeOffset> _clock;

    public ClusterAuthority(ClusterState state, string? stateFile, Func<DateTimeOffset> clock, TimeSpan grace)
    {
        _state = state;
        _stateFile = stateFile;
        _clock = clock;
        Grace = grace;
    }

    public TimeSpan Grace { get; }

    /// <summary>etcd's "unhealthy cluster" window after a promotion, in the lab's time scale.</summary>
    public TimeSpan UnhealthyAfterPromotion { get; init; } = ClusterRules.UnhealthyAfterPromotion;

    public static ClusterState? LoadPersisted(string stateFile)
    {
        var text = SimPaths.ReadIfExists(stateFile);
        return text is null ? null : JsonSerializer.Deserialize<ClusterState>(text, Protocol.Json);
    }

    public bool TokenMatches(string? presented) =>
        presented is not null && (presented == _state.Token || (_state.CriticalConfig.GetValueOrDefault("agent-token") is { Length: > 0 } agent && presented == agent));

    /// <summary>A call from a node that is already running: a token retired by a rotation still counts (see <see cref="ClusterState.RetiredTokens"/>).</summary>
    public bool SessionTokenMatches(string? presented)
    {
        lock (_gate) return TokenMatches(presented) || (presented is { Length: > 0 } && _state.RetiredTokens.Contains(presented));
    }

    /// <summary>
    /// <c>rke2 token rotate</c> (k3s pkg/server/token.go tokenRotate): only the current server token may ask; the
    /// bootstrap data is re-encrypted with the new token, which from now on is the only one a join or a restart accepts.
    /// </summary>
    public AuthorityResult<string> RotateToken(string? presented, string? newToken)
    {
        lock (_gate)
        {
            if (presented != _state.Token) return AuthorityResult<string>.Fail(401, "");
            var token = string.IsNullOrEmpty(newToken) ? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) : newToken;
            if (token != _state.Token)
            {
                _state.RetiredTokens.Add(_state.Token);
                _state.Token = token;
                Persist();
            }
            return AuthorityResult<string>.Ok(token);
        }
    }

    public AuthorityResult<JoinResponse> Join(JoinRequest request)
    {
        lock (_gate)
        {
            if (request.IsServer)
            {
                var mismatched = request.Critical
                    .Where(kv => _state.CriticalConfig.GetValueOrDefault(kv.Key, kv.Value) != kv.Value)
                    .Select(kv => kv.Key)
                    .ToList();
                if (mismatched.Count > 0)
                {
                    return AuthorityResult<JoinResponse>.Fail(409, "critical configuration value mismatch between servers: " + string.Join(", ", mismatched));
                }
            }
            if (request.IsServer) return AuthorityResult<JoinResponse>.Ok(new JoinResponse(_state.CaCertPem, _state.CaKeyPem, _state.Token));
            return AuthorityResult<JoinResponse>.Ok(new JoinResponse(_state.CaCertPem, null, _state.Token, IssueAgentCertificates(request)));
        }
    }

    /// <summary>The kubelet's client certificate (the Node authorizer's <c>system:node:NAME</c> in <c>system:nodes</c>) and the serving certificate of its load balancer.</summary>
    private AgentCertificates IssueAgentCertificates(JoinRequest request)
    {
        var ca = new Rke2Sim.Tls.ClusterCa(_state.CaCertPem, _state.CaKeyPem);
        var now = _clock();
        var (clientCert, clientKey) = ca.IssueClient("system:node:" + request.Node, "system:nodes", now);
        using var serving = ca.IssueServing(request.Node, request.ServingNames ?? ["127.0.0.1", "localhost"], now);
        using var servingKey = serving.GetECDsaPrivateKey()!;
        return new AgentCertificates(clientCert, clientKey, serving.ExportCertificatePem() + "\n", servingKey.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public AddMemberResponse AddMember(AddMemberRequest request) => Mutate(state =>
    {
        var blocker = ClusterRules.JoinBlocker(state, request.Node);
        var outcome = ClusterRules.AddMember(state, request.Node, request.PeerUrl, request.NeedsApiServerAddress, _clock(), UnhealthyAfterPromotion);
        return new AddMemberResponse(outcome, outcome == AddMemberOutcome.TooManyLearners ? blocker : null);
    });

    public void AddFounder(string node, string peerUrl) => Mutate(state =>
    {
        ClusterRules.AddFounder(state, node, peerUrl, _clock());
        return true;
    });

    public bool Promote(string node) => Mutate(state => ClusterRules.Promote(state, node, _clock()));

    public void RegisterApiServer(RegisterApiServerRequest request) => Mutate(state =>
    {
        ClusterRules.RegisterApiServer(state, request.Node, request.Address);
        return true;
    });

    /// <summary>Records a report; heartbeats are not persisted individually (they only refresh liveness).</summary>
    public ClusterState Report(NodeReport report)
    {
        lock (_gate)
        {
            var isNew = !_state.Nodes.ContainsKey(report.Node) || _state.Nodes[report.Node].RegisteredAt is null;
            ClusterRules.ApplyReport(_state, report, _clock());
            if (isNew || report.Phase != NodePhase.Running) Persist();
            return Snapshot();
        }
    }

    /// <summary>A server finished starting: it now runs with the current secrets-encryption configuration.</summary>
    public void CompleteStart(string node) => Mutate(state =>
    {
        SecretsEncryption.Progress(state, _clock(), Log);
        if (state.Nodes.TryGetValue(node, out var record))
        {
            SecretsEncryption.Started(state, record);
            record.LastSuccessfulStart = _clock();
        }
        return true;
    });

    /// <summary>How long the reencrypt controller takes per secret (scaled like every other simulated delay).</summary>
    public TimeSpan ReencryptPerSecret { get; init; } = TimeSpan.FromSeconds(1 / SecretsEncryption.SecretsPerSecond);

    /// <summary>Where the lines the cluster's controllers log go (this daemon's log).</summary>
    public Action<string> Log { get; init; } = _ => { };

    public SecretsEncryptResponse SecretsEncrypt(string node, string command) => Mutate(state =>
    {
        var (error, output) = SecretsEncryption.Run(state, node, command, _clock(), ReencryptPerSecret, Log);
        return new SecretsEncryptResponse(error, output);
    });

    /// <summary>Lets the reencrypt controller finish on time even when no one asks for the status.</summary>
    public void Tick() => Mutate(state =>
    {
        SecretsEncryption.Progress(state, _clock(), Log);
        return true;
    });

    public void RecordSnapshot(string name) => Mutate(state =>
    {
        state.Snapshots.Add(name);
        return true;
    });

    /// <summary>A write to the apiserver (cordon, eviction, node delete, Deployments, PodDisruptionBudgets).</summary>
    public KubeResponse Kube(KubeRequest request) => Mutate(state => KubeApi.Write(state, request, _clock(), Grace));

    public ClusterState Read()
    {
        lock (_gate) return Snapshot();
    }

    public T Inspect<T>(Func<ClusterState, T> query)
    {
        lock (_gate) return query(_state);
    }

    private T Mutate<T>(Func<ClusterState, T> change)
    {
        lock (_gate)
        {
            var result = change(_state);
            Persist();
            return result;
        }
    }

    /// <summary>A deep copy without the CA key, safe to hand to any node.</summary>
    private ClusterState Snapshot()
    {
        var copy = JsonSerializer.Deserialize<ClusterState>(JsonSerializer.Serialize(_state, Protocol.Json), Protocol.Json)!;
        copy.CaKeyPem = "";
        return copy;
    }

    private void Persist()
    {
        if (_stateFile is null) return;
        SimPaths.WriteAtomically(_stateFile, JsonSerializer.Serialize(_state, Protocol.Json), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

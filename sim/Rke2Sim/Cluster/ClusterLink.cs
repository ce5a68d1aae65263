namespace Rke2Sim.Cluster;

/// <summary>How a node reaches the cluster state: directly on the bootstrap server, over the supervisor port elsewhere.</summary>
public interface IClusterLink
{
    Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancel);

    Task<AddMemberResponse> AddMemberAsync(AddMemberRequest request, CancellationToken cancel);

    Task PromoteAsync(string node, CancellationToken cancel);

    Task RegisterApiServerAsync(RegisterApiServerRequest request, CancellationToken cancel);

    Task<ClusterState> ReportAsync(NodeReport report, CancellationToken cancel);

    Task CompleteStartAsync(string node, CancellationToken cancel);

    Task<SecretsEncryptResponse> SecretsEncryptAsync(string node, string command, CancellationToken cancel);

    Task RecordSnapshotAsync(string name, CancellationToken cancel);

    Task<KubeResponse> KubeAsync(KubeRequest request, CancellationToken cancel);

    /// <summary>The current state; a remote link falls back to the last state it saw when the authority is unreachable.</summary>
    Task<ClusterState> ReadStateAsync(CancellationToken cancel);
}

public sealed class LocalClusterLink(ClusterAuthority authority) : IClusterLink
{
    public ClusterAuthority Authority { get; } = authority;

    public Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancel)
    {
        var result = Authority.Join(request);
        return result.Value is { } value
            ? Task.FromResult(value)
            : Task.FromException<JoinResponse>(new SupervisorRefusedException(result.Status, "local", result.Error ?? ""));
    }

    public Task<AddMemberResponse> AddMemberAsync(AddMemberRequest request, CancellationToken cancel) =>
        Task.FromResult(Authority.AddMember(request));

    public Task PromoteAsync(string node, CancellationToken cancel)
    {
        Authority.Promote(node);
        return Task.CompletedTask;
    }

    public Task RegisterApiServerAsync(RegisterApiServerRequest request, CancellationToken cancel)
    {
        Authority.RegisterApiServer(request);
        return Task.CompletedTask;
    }

    public Task<ClusterState> ReportAsync(NodeReport report, CancellationToken cancel) => Task.FromResult(Authority.Report(report));

    public Task CompleteStartAsync(string node, CancellationToken cancel)
    {
        Authority.CompleteStart(node);
        return Task.CompletedTask;
    }

    public Task<SecretsEncryptResponse> SecretsEncryptAsync(string node, string command, CancellationToken cancel) =>
        Task.FromResult(Authority.SecretsEncrypt(node, command));

    public Task RecordSnapshotAsync(string name, CancellationToken cancel)
    {
        Authority.RecordSnapshot(name);
        return Task.CompletedTask;
    }

    public Task<KubeResponse> KubeAsync(KubeRequest request, CancellationToken cancel) => Task.FromResult(Authority.Kube(request));

    public Task<ClusterState> ReadStateAsync(CancellationToken cancel) => Task.FromResult(Authority.Read());
}

public sealed class RemoteClusterLink(SupervisorClient client) : IClusterLink
{
    private ClusterState? _lastSeen;

    public SupervisorClient Client { get; } = client;

    public Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancel) =>
        Client.PostAsync<JoinResponse>(Protocol.Prefix + "/join", request, cancel);

    public Task<AddMemberResponse> AddMemberAsync(AddMemberRequest request, CancellationToken cancel) =>
        Client.PostAsync<AddMemberResponse>(Protocol.Prefix + "/add-member", request, cancel);

    public Task PromoteAsync(string node, CancellationToken cancel) =>
        Client.PostAsync<bool>(Protocol.Prefix + "/promote", new NodeRequest(node), cancel);

    public Task RegisterApiServerAsync(RegisterApiServerRequest request, CancellationToken cancel) =>
        Client.PostAsync<bool>(Protocol.Prefix + "/register-apiserver", request, cancel);

    public async Task<ClusterState> ReportAsync(NodeReport report, CancellationToken cancel)
    {
        var state = await Client.PostAsync<ClusterState>(Protocol.Prefix + "/report", report, cancel);
        _lastSeen = state;
        return state;
    }

    public Task CompleteStartAsync(string node, CancellationToken cancel) =>
        Client.PostAsync<bool>(Protocol.Prefix + "/complete-start", new NodeRequest(node), cancel);

    public Task<SecretsEncryptResponse> SecretsEncryptAsync(string node, string command, CancellationToken cancel) =>
        Client.PostAsync<SecretsEncryptResponse>(Protocol.Prefix + "/secrets-encrypt", new SecretsEncryptRequest(command, node), cancel);

    public Task RecordSnapshotAsync(string name, CancellationToken cancel) =>
        Client.PostAsync<bool>(Protocol.Prefix + "/snapshot", new SnapshotRequest(name), cancel);

    public Task<KubeResponse> KubeAsync(KubeRequest request, CancellationToken cancel) =>
        Client.PostAsync<KubeResponse>(Protocol.Prefix + "/kube", request, cancel);

    public async Task<ClusterState> ReadStateAsync(CancellationToken cancel)
    {
        try
        {
            _lastSeen = await Client.PostAsync<ClusterState>(Protocol.Prefix + "/state", new { }, cancel);
        }
        catch (HttpRequestException) when (_lastSeen is not null)
        {
            // The bootstrap server is down: other members would still answer, so serve what we saw last.
        }
        return _lastSeen ?? throw new HttpRequestException($"cluster state unavailable from {Client.BaseUrl}");
    }
}

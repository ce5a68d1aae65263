namespace Rke2Sim.Cluster;

/// <summary>The secrets-encrypt key rotation stages and what <c>rke2 secrets-encrypt status</c> reports.</summary>
public static class SecretsEncryption
{
    public const string Start = "start";
    public const string Prepare = "prepare";
    public const string Rotate = "rotate";
    public const string ReencryptFinished = "reencrypt_finished";

    /// <summary>Moves to the next stage, or explains (like k3s) why the command is not allowed now.</summary>
    public static string? Advance(ClusterState state, string command)
    {
        var current = state.Encryption.Stage;
        string? next = command switch
        {
            "prepare" when current is Start or ReencryptFinished => Prepare,
            "rotate" when current == Prepare => Rotate,
            "reencrypt" when current == Rotate => ReencryptFinished,
            "rotate-keys" when current is Start or ReencryptFinished => ReencryptFinished,
            "prepare" or "rotate" or "reencrypt" or "rotate-keys" => null,
            _ => throw new ArgumentException($"unknown secrets-encrypt command {command}"),
        };
        if (next is null) return $"error, incorrect stage: {current}, cannot run {command}";
        if (MismatchedServers(state) is { } mismatch)
            return $"server hashes do not match between {mismatch.A} and {mismatch.B}, restart all servers before continuing";
        state.Encryption.Stage = next;
        state.Encryption.Generation++;
        return null;
    }

    /// <summary>
    /// Two servers whose encryption configuration differs from the current stage's: servers pick up a stage change only
    /// when restarted, so the hashes match again once every server has been restarted since the last change.
    /// </summary>
    public static (string A, string B)? MismatchedServers(ClusterState state)
    {
        var servers = state.Nodes.Values.Where(n => n.Roles.IsServer).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var stale = servers.FirstOrDefault(n => n.AppliedEncryptionGeneration != state.Encryption.Generation);
        if (stale is null) return null;
        var other = servers.FirstOrDefault(n => n.Name != stale.Name);
        return other is null ? (stale.Name, stale.Name) : (other.Name, stale.Name);
    }

    public static string Status(ClusterState state)
    {
        var mismatch = MismatchedServers(state);
        var hashes = mismatch is { } m ? $"hash does not match between {m.A} and {m.B}" : "All hashes match";
        return $"Encryption Status: Enabled\nCurrent Rotation Stage: {state.Encryption.Stage}\nServer Encryption Hashes: {hashes}\n";
    }
}

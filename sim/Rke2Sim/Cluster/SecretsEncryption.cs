using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Rke2Sim.Cluster;

/// <summary>
/// Secrets-encryption key rotation as k3s implements it for RKE2 (pkg/server/secrets-encrypt.go,
/// pkg/secretsencrypt): the encryption config's keys, the bootstrap hash file (<c>stage-sha256</c>), each
/// control-plane node's <c>rke2.io/encryption-config-hash</c> annotation, and the reencrypt controller.
/// </summary>
public static class SecretsEncryption
{
    public const string Start = "start";
    public const string Prepare = "prepare";
    public const string Rotate = "rotate";
    public const string ReencryptRequest = "reencrypt_request";
    public const string ReencryptActive = "reencrypt_active";
    public const string ReencryptFinished = "reencrypt_finished";
    public const string HashAnnotation = "rke2.io/encryption-config-hash";

    /// <summary>k3s reencrypts about 5 secrets a second (docs.k3s.io cli/secrets-encrypt).</summary>
    public const double SecretsPerSecond = 5;

    public static string ConfigHash(SecretsEncryptionState encryption) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', encryption.Keys) + "#" + encryption.Generation)));

    /// <summary>What the bootstrap hash file holds: the stage last written and the hash of the config it was written with.</summary>
    public static string FileAnnotation(SecretsEncryptionState encryption) => $"{encryption.Stage}-{ConfigHash(encryption)}";

    /// <summary>A server finished starting with the cluster's current encryption config (BootstrapEncryptionHashAnnotation).</summary>
    public static void Started(ClusterState state, NodeRecord node)
    {
        node.AppliedEncryptionGeneration = state.Encryption.Generation;
        if (node.Roles.ApiServer) node.EncryptionAnnotation = FileAnnotation(state.Encryption);
    }

    /// <summary>
    /// Runs a command on <paramref name="node"/>'s supervisor. Returns the CLI's output, or the server's error;
    /// <paramref name="log"/> receives the lines the server logs.
    /// </summary>
    public static (string? Error, string Output) Run(ClusterState state, string node, string command, DateTimeOffset now, TimeSpan perSecret, Action<string> log)
    {
        Progress(state, now, log);
        var self = state.Nodes.GetValueOrDefault(node);
        if (self is null || !self.Roles.ApiServer) return ($"cannot manage secrets encryption on non control-plane node {node}", "");
        if (command == "status") return (null, Status(state, node));
        var encryption = state.Encryption;
        var allowed = command switch
        {
            "prepare" or "rotate-keys" => $"{Start}-{ReencryptFinished}",
            "rotate" => Prepare,
            "reencrypt" => Rotate,
            _ => throw new ArgumentException($"unknown secrets-encrypt command {command}"),
        };
        if (Verify(state, self, allowed) is { } refused) return (refused, "");
        switch (command)
        {
            case "prepare":
                encryption.Keys.Add(NewKey(now));
                log($"Adding secrets-encryption key: {encryption.Keys[^1]}");
                Change(state, self, Prepare);
                return (null, "prepare completed successfully\n");
            case "rotate":
                encryption.Keys.Insert(0, encryption.Keys[^1]);
                encryption.Keys.RemoveAt(encryption.Keys.Count - 1);
                log("Encryption keys right rotated");
                Change(state, self, Rotate);
                return (null, "rotate completed successfully\n");
            case "reencrypt":
                BeginReencrypt(state, self, now, perSecret);
                return (null, "reencryption started\n");
            default:
                var old = state.Nodes.Values.Where(n => n.Roles.ApiServer && n.RegisteredAt is not null)
                    .FirstOrDefault(n => ReleaseMinor(n.Version) is { } minor && minor < 28);
                if (old is not null) return ($"node {old.Name} is running k3s version {old.Version.TrimStart('v')} that does not support rotate-keys", "");
                encryption.Keys.Add(NewKey(now));
                log($"Adding secrets-encryption key: {encryption.Keys[^1]}");
                encryption.Keys.Insert(0, encryption.Keys[^1]);
                encryption.Keys.RemoveAt(encryption.Keys.Count - 1);
                log("Rotating secrets-encryption keys");
                encryption.Generation++;
                // rotate-keys relies on the apiserver reloading its encryption config by itself: this server needs no restart.
                self.AppliedEncryptionGeneration = encryption.Generation;
                encryption.RotateKeys = true;
                BeginReencrypt(state, self, now, perSecret);
                return (null, "keys rotated, reencryption started\n");
        }
    }

    /// <summary>The reencrypt controller: request → active → (every secret rewritten, oldest key removed) finished.</summary>
    public static void Progress(ClusterState state, DateTimeOffset now, Action<string> log)
    {
        var encryption = state.Encryption;
        if (encryption.ReencryptNode is not { } name || !state.Nodes.TryGetValue(name, out var node)) return;
        if (now < encryption.ReencryptFinishAt)
        {
            node.EncryptionAnnotation = $"{ReencryptActive}-{ReencryptHash(encryption, ReencryptActive)}";
            return;
        }
        var removed = encryption.Keys[^1];
        encryption.Keys.RemoveAt(encryption.Keys.Count - 1);
        log($"Removed key: {removed}");
        encryption.ReencryptNode = null;
        var rotateKeys = encryption.RotateKeys;
        encryption.RotateKeys = false;
        Change(state, node, ReencryptFinished);
        if (rotateKeys) node.AppliedEncryptionGeneration = encryption.Generation;
    }

    /// <summary>What <c>rke2 secrets-encrypt status</c> prints on <paramref name="node"/>: the stage of that node's own annotation.</summary>
    public static string Status(ClusterState state, string node)
    {
        var mismatch = Mismatch(state);
        var hashes = mismatch is { } m ? $"hash does not match between {m.A} and {m.B}" : "All hashes match";
        var stage = state.Nodes.GetValueOrDefault(node)?.EncryptionAnnotation?.Split('-')[0] ?? Start;
        var keys = new StringBuilder("\nActive  Key Type  Name\n------  --------  ----\n");
        for (var i = 0; i < state.Encryption.Keys.Count; i++) keys.Append(i == 0 ? " *      " : "        ").Append("AES-CBC   ").Append(state.Encryption.Keys[i]).Append('\n');
        return $"Encryption Status: Enabled\nCurrent Rotation Stage: {stage}\nServer Encryption Hashes: {hashes}\n{keys}\n";
    }

    /// <summary>The first two control-plane nodes (in name order) whose annotations differ (verifyEncryptionHashAnnotation).</summary>
    public static (string A, string B)? Mismatch(ClusterState state)
    {
        string? firstName = null, firstHash = null;
        foreach (var node in state.Nodes.Values.Where(n => n.Roles.ApiServer).OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (node.EncryptionAnnotation is not { } hash) continue;
            if (firstName is null) (firstName, firstHash) = (node.Name, hash);
            else if (hash != firstHash) return (firstName, node.Name);
        }
        return null;
    }

    private static string? Verify(ClusterState state, NodeRecord self, string allowedStages)
    {
        if (Mismatch(state) is { } m) return $"hash does not match between {m.A} and {m.B}";
        var annotation = self.EncryptionAnnotation ?? FileAnnotation(state.Encryption);
        var parts = annotation.Split('-');
        if (!allowedStages.Contains(parts[0], StringComparison.Ordinal)) return $"incorrect stage: {parts[0]} found on node {self.Name}";
        if (self.AppliedEncryptionGeneration != state.Encryption.Generation) return $"invalid hash: {parts[1]} found on node {self.Name}";
        return null;
    }

    private static void Change(ClusterState state, NodeRecord self, string stage)
    {
        state.Encryption.Generation++;
        state.Encryption.Stage = stage;
        // The node the command ran on writes its annotation at once; its apiserver still runs the old config.
        self.EncryptionAnnotation = FileAnnotation(state.Encryption);
    }

    private static void BeginReencrypt(ClusterState state, NodeRecord self, DateTimeOffset now, TimeSpan perSecret)
    {
        var encryption = state.Encryption;
        self.EncryptionAnnotation = $"{ReencryptRequest}-{ReencryptHash(encryption, ReencryptRequest)}";
        encryption.ReencryptNode = self.Name;
        encryption.ReencryptFinishAt = now + perSecret * encryption.SecretCount;
    }

    private static string ReencryptHash(SecretsEncryptionState encryption, string stage) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', encryption.Keys) + "," + stage)));

    private static string NewKey(DateTimeOffset now) => "aescbckey-" + now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static int? ReleaseMinor(string version)
    {
        var parts = version.TrimStart('v').Split('.');
        return parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ? minor : null;
    }
}

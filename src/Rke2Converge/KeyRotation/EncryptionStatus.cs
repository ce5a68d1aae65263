namespace Rke2Converge.KeyRotation;

/// <summary>
/// What <c>rke2 secrets-encrypt status</c> printed on the server the commands run on, and each control-plane node's
/// <c>rke2.io/encryption-config-hash</c> annotation (<c>stage-sha256</c>, written by k3s's secrets-encrypt code when the
/// node starts or runs a command). A node whose annotation differs from the command server's has not been restarted
/// since the last stage change.
/// </summary>
internal sealed record EncryptionStatus(string Server, bool Enabled, string Stage, string? HashError, IReadOnlyDictionary<string, string> Hashes)
{
    public const string HashAnnotation = "rke2.io/encryption-config-hash";

    /// <summary>No rotation under way: a new one may start here.</summary>
    public bool AtRest => Stage is RotationStage.Start or RotationStage.ReencryptFinished;

    public bool HashesMatch => HashError is null && MismatchedServers.Count == 0;

    /// <summary>Control-plane nodes whose annotation differs from the command server's.</summary>
    public IReadOnlyList<string> MismatchedServers =>
        Hashes.TryGetValue(Server, out var reference)
            ? [.. Hashes.Where(h => h.Value != reference).Select(h => h.Key).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>A short, printable form of an annotation: its stage and the first 12 hex digits of its hash.</summary>
    public static string Short(string annotation)
    {
        var parts = annotation.Split('-', 2);
        return parts.Length == 2 ? $"{parts[0]}-{parts[1][..Math.Min(12, parts[1].Length)]}" : annotation;
    }

    /// <summary>Parses the status text; null when it is not a status (an error, say).</summary>
    public static EncryptionStatus? Parse(string server, string text, IReadOnlyDictionary<string, string> hashes)
    {
        var enabled = Field(text, "Encryption Status");
        var stage = Field(text, "Current Rotation Stage");
        var match = Field(text, "Server Encryption Hashes");
        if (enabled is null || stage is null) return null;
        return new EncryptionStatus(server, enabled.StartsWith("Enabled", StringComparison.Ordinal), stage,
            match is null or "All hashes match" ? null : match, hashes);
    }

    private static string? Field(string text, string name)
    {
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        return line?[(name.Length + 1)..].Trim();
    }

    /// <summary>One line: the stage and whether the hashes match, naming each server that differs.</summary>
    public string Describe()
    {
        var mismatched = MismatchedServers;
        var hashes = HashesMatch ? "all server hashes match"
            : mismatched.Count > 0 ? $"hashes differ on {string.Join(", ", mismatched)} (from {Server}'s {Short(Hashes[Server])})"
            : HashError!;
        return $"stage {Stage}, {hashes}";
    }
}

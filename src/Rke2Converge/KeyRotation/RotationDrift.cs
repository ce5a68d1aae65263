using Rke2Converge.Facts;

namespace Rke2Converge.KeyRotation;

/// <summary>
/// A cluster left mid-rotation is drift the playbook cannot express: the plan names the stage, the servers whose hash
/// differs and the restarts it needs, and apply refuses (restarting servers in its own order could break the rotation)
/// until <c>rke2c secrets-encrypt rotate</c> has finished it.
/// </summary>
internal static class RotationDrift
{
    /// <summary>The status read on the first API server in the plan's fact round trip, or null when it was not read.</summary>
    public static EncryptionStatus? Status(IReadOnlyDictionary<string, HostFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var host = facts.Values.FirstOrDefault(f => f.SecretsEncryptStatus is not null);
        return host is null ? null : EncryptionStatus.Parse(host.Node, host.SecretsEncryptStatus!, host.EncryptionHashes ?? new Dictionary<string, string>());
    }

    /// <summary>Unresolved lines for the command server's plan; empty when no rotation is under way.</summary>
    public static IReadOnlyList<string> Problems(EncryptionStatus? status, IReadOnlyList<string> restartOrder, string playbook)
    {
        if (status is null || !status.Enabled || (status.AtRest && status.HashesMatch)) return [];
        var what = status.AtRest
            ? $"secrets-encryption key rotation finished its stages but not its restarts ({status.Describe()})"
            : $"secrets-encryption key rotation stopped mid-way at stage {status.Stage} ({status.Describe()})";
        var next = status.Stage switch
        {
            RotationStage.Prepare => ", then rotate, restarts, reencrypt, restarts",
            RotationStage.Rotate => ", then reencrypt, restarts",
            RotationStage.ReencryptRequest or RotationStage.ReencryptActive => " once reencryption finishes",
            _ => "",
        };
        return [$"{what}: every server needs a restart, one at a time ({string.Join(", ", restartOrder)}){next}. "
            + $"Run rke2c secrets-encrypt rotate {playbook} to resume; apply refuses until then"];
    }
}

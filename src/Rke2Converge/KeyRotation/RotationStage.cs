namespace Rke2Converge.KeyRotation;

/// <summary>The rotation stages k3s's secrets-encrypt code records (pkg/secretsencrypt/config.go).</summary>
internal static class RotationStage
{
    public const string Start = "start";
    public const string Prepare = "prepare";
    public const string Rotate = "rotate";
    public const string ReencryptRequest = "reencrypt_request";
    public const string ReencryptActive = "reencrypt_active";
    public const string ReencryptFinished = "reencrypt_finished";
}

using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.KeyRotation;

internal static class SecretsEncryptOperations
{
    /// <summary>
    /// <c>rke2 secrets-encrypt COMMAND</c>; it reads the server token from the node's own data directory, so no secret
    /// travels. rotate-keys may take up to 70 s on the server (k3s's client timeout).
    /// </summary>
    public static RemoteCommand Run(string command) =>
        new($"rke2 secrets-encrypt {command}", Rke2Paths.ResolveRke2Argument + "\"$1\" secrets-encrypt \"$2\" 2>&1")
        {
            Arguments = [Rke2Paths.Rke2Binary, command],
            Timeout = TimeSpan.FromSeconds(120),
        };
}

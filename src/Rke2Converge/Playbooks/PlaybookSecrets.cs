using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary><c>Secret.FromEnv("NAME")</c> and <c>Secret.FromFile("path")</c>; values are read only at rollout time.</summary>
public sealed class PlaybookSecrets
{
    private readonly PlaybookContext _context;

    internal PlaybookSecrets(PlaybookContext context) => _context = context;

    /// <summary>
    /// A secret read from the environment variable <paramref name="variable"/> of the rke2c process, at rollout
    /// time (so <c>validate</c> needs it unset or not).
    /// </summary>
    /// <example>
    /// <code>
    /// Cluster("prod").Token(Secret.FromEnv("RKE2_TOKEN"));
    /// </code>
    /// </example>
    public SecretSource FromEnv(string variable) =>
        string.IsNullOrWhiteSpace(variable)
            ? throw new ArgumentException("the environment variable name must not be empty", nameof(variable))
            : SecretSource.FromEnv(variable);

    /// <summary>A file holding the secret; a relative path is taken from the playbook's directory.</summary>
    /// <example>
    /// <code>
    /// Cluster("prod").Token(Secret.FromFile("secrets/token"));
    /// </code>
    /// </example>
    public SecretSource FromFile(string path) =>
        string.IsNullOrWhiteSpace(path)
            ? throw new ArgumentException("the secret file path must not be empty", nameof(path))
            : SecretSource.FromFile(_context.ResolvePath(path, at: null));
}

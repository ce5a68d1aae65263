using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary><c>Secret.FromEnv("NAME")</c> and <c>Secret.FromFile("path")</c>; values are read only at rollout time.</summary>
public sealed class PlaybookSecrets
{
    private readonly PlaybookContext _context;

    internal PlaybookSecrets(PlaybookContext context) => _context = context;

    public SecretSource FromEnv(string variable) =>
        string.IsNullOrWhiteSpace(variable)
            ? throw new ArgumentException("the environment variable name must not be empty", nameof(variable))
            : SecretSource.FromEnv(variable);

    /// <summary>A file holding the secret; a relative path is taken from the playbook's directory.</summary>
    public SecretSource FromFile(string path) =>
        string.IsNullOrWhiteSpace(path)
            ? throw new ArgumentException("the secret file path must not be empty", nameof(path))
            : SecretSource.FromFile(_context.ResolvePath(path, at: null));
}

namespace Rke2Converge.Model;

/// <summary>
/// Where a secret comes from. The value itself is read only when a rollout needs it, and never printed:
/// <see cref="ToString"/> describes the source, not the value.
/// </summary>
public abstract class SecretSource
{
    /// <summary>
    /// A secret read from an environment variable; in a playbook, write <c>Secret.FromEnv</c> (which also checks the name).
    /// </summary>
    public static SecretSource FromEnv(string variable) => new EnvironmentSecret(variable);

    /// <summary>
    /// A secret read from a file; in a playbook, write <c>Secret.FromFile</c> (which resolves the path against the playbook).
    /// </summary>
    public static SecretSource FromFile(string path) => new FileSecret(path);

    /// <summary>Reads the secret, or explains (without the value) why it cannot.</summary>
    internal abstract SecretValue Resolve();

    /// <summary>A description safe to print, such as <c>env:RKE2_TOKEN</c>.</summary>
    public abstract string Describe();

    /// <summary>
    /// The source, never the value: <c>env:RKE2_TOKEN</c>, <c>file:secrets/token</c>.
    /// </summary>
    public sealed override string ToString() => Describe();

    private sealed class EnvironmentSecret(string variable) : SecretSource
    {
        internal override SecretValue Resolve()
        {
            var value = Environment.GetEnvironmentVariable(variable);
            return string.IsNullOrEmpty(value)
                ? throw new SecretUnavailableException($"environment variable {variable} is not set or empty")
                : new SecretValue(value.Trim());
        }

        public override string Describe() => $"env:{variable}";
    }

    private sealed class FileSecret(string path) : SecretSource
    {
        internal override SecretValue Resolve()
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full)) throw new SecretUnavailableException($"secret file {full} does not exist");
            var value = File.ReadAllText(full).Trim();
            return value.Length == 0
                ? throw new SecretUnavailableException($"secret file {full} is empty")
                : new SecretValue(value);
        }

        public override string Describe() => $"file:{path}";
    }
}

/// <summary>A resolved secret. Prints as <c>(sensitive)</c> everywhere; only <see cref="Reveal"/> gives the value.</summary>
internal sealed class SecretValue(string value)
{
    public const string Mask = "(sensitive)";

    public string Reveal() => value;

    public override string ToString() => Mask;
}

internal sealed class SecretUnavailableException(string message) : Exception(message);

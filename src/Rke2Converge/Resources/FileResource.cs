using System.Runtime.CompilerServices;
using Rke2Converge.Model;

namespace Rke2Converge.Resources;

/// <summary>
/// <c>File(path, content, mode, owner)</c>: any file on the node, compared by hash. <c>.Absent()</c> removes it (kept
/// as a backup), <c>.Sensitive()</c> masks its diff, <c>.Restarts()</c> restarts RKE2 when it changes. A file whose
/// path config.yaml names (an audit policy, say) restarts RKE2 without being told: RKE2 reads it only at startup.
/// </summary>
public sealed class FileResource : FileBackedResource
{
    private bool _restarts;

    internal FileResource(string path, object? content, string mode, string? owner)
    {
        Path = path;
        Content = content;
        Mode = mode;
        Owner = owner;
    }

    internal string Path { get; }

    /// <summary>A string or a secret; null only when absent.</summary>
    internal object? Content { get; private set; }

    internal string Mode { get; }

    internal string? Owner { get; }

    internal bool IsAbsent { get; private set; }

    internal override string Key => $"file {Path}";

    internal override string Kind => "file";

    internal override bool IsSensitive => _sensitive || Content is SecretSource;

    private bool _sensitive;

    internal override IEnumerable<SecretSource> Secrets => Content is SecretSource secret ? [secret] : [];

    /// <summary>The file must not exist; an existing one is moved into the backup directory.</summary>
    /// <example>
    /// <code>
    /// File("/etc/rancher/rke2/old-policy.yaml").Absent();
    /// </code>
    /// </example>
    public FileResource Absent()
    {
        IsAbsent = true;
        Content = null;
        return this;
    }

    /// <summary>Never show this file's content in plans.</summary>
    /// <example>
    /// <code>
    /// File("/etc/ssl/private/ca.key", System.IO.File.ReadAllText("ca.key"), mode: "0600").Sensitive();
    /// </code>
    /// </example>
    public FileResource Sensitive()
    {
        _sensitive = true;
        return this;
    }

    /// <summary>Restart RKE2 when this file changes.</summary>
    /// <example>
    /// <code>
    /// File("/etc/rancher/rke2/psa.yaml", psa).Restarts();
    /// </code>
    /// </example>
    public FileResource Restarts()
    {
        _restarts = true;
        return this;
    }

    internal override string PathFor(NodeSpec node) => Path;

    internal override IEnumerable<string> Validate()
    {
        foreach (var problem in ResourcePaths.CheckFile(Path, Key)) yield return problem;
        if (!IsAbsent && Content is null) yield return $"{Key}: needs content (or .Absent())";
        if (Content is not (null or string or SecretSource)) yield return $"{Key}: content must be a string or a Secret";
        foreach (var problem in ResourcePaths.CheckMode(Mode, Key)) yield return problem;
        foreach (var problem in ResourcePaths.CheckOwner(Owner, Key)) yield return problem;
    }

    private protected override DesiredFile Desired(ResourceContext context) =>
        new(Path, Content is null ? null : context.Text(Content), Mode, Owner, IsSensitive);

    private protected override ServiceEffect EffectOf(ResourceContext context) =>
        _restarts || ReferencedByConfig(context.Node.Config, Path) ? ServiceEffect.Restart : ServiceEffect.None;

    private static bool ReferencedByConfig(ConfigMap config, string path) =>
        config.Any(entry => Mentions(entry.Value, path));

    private static bool Mentions(object? value, string path) => value switch
    {
        string text => text == path,
        ConfigMap map => map.Any(entry => Mentions(entry.Value, path)),
        IEnumerable<object?> list => list.Any(item => Mentions(item, path)),
        _ => false,
    };
}

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

    public FileResource(string path, object? content, string mode, string? owner)
    {
        Path = path;
        Content = content;
        Mode = mode;
        Owner = owner;
    }

    public string Path { get; }

    /// <summary>A string or a secret; null only when absent.</summary>
    public object? Content { get; private set; }

    public string Mode { get; }

    public string? Owner { get; }

    public bool IsAbsent { get; private set; }

    public override string Key => $"file {Path}";

    public override string Kind => "file";

    public override bool IsSensitive => _sensitive || Content is SecretSource;

    private bool _sensitive;

    public override IEnumerable<SecretSource> Secrets => Content is SecretSource secret ? [secret] : [];

    /// <summary>The file must not exist; an existing one is moved into the backup directory.</summary>
    public FileResource Absent()
    {
        IsAbsent = true;
        Content = null;
        return this;
    }

    /// <summary>Never show this file's content in plans.</summary>
    public FileResource Sensitive()
    {
        _sensitive = true;
        return this;
    }

    /// <summary>Restart RKE2 when this file changes.</summary>
    public FileResource Restarts()
    {
        _restarts = true;
        return this;
    }

    public override string PathFor(NodeSpec node) => Path;

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in ResourcePaths.CheckFile(Path, Key)) yield return problem;
        if (!IsAbsent && Content is null) yield return $"{Key}: needs content (or .Absent())";
        if (Content is not (null or string or SecretSource)) yield return $"{Key}: content must be a string or a Secret";
        foreach (var problem in ResourcePaths.CheckMode(Mode, Key)) yield return problem;
        foreach (var problem in ResourcePaths.CheckOwner(Owner, Key)) yield return problem;
    }

    protected override DesiredFile Desired(ResourceContext context) =>
        new(Path, Content is null ? null : context.Text(Content), Mode, Owner, IsSensitive);

    protected override ServiceEffect EffectOf(ResourceContext context) =>
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

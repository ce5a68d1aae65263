using Rke2Converge.Model;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources;

/// <summary><c>Directory(path, mode, owner)</c>: exists with this mode and owner; <c>.Absent()</c> moves it, whole, into the backups.</summary>
public sealed class DirectoryResource(string path, string mode, string? owner) : Resource<FileState>
{
    internal string Path { get; } = path;

    internal string Mode { get; } = mode;

    internal string? Owner { get; } = owner;

    internal bool IsAbsent { get; private set; }

    internal override string Key => $"directory {Path}";

    internal override string Kind => "directory";

    /// <summary>
    /// The directory must not exist; an existing one is moved, whole, into the backup directory.
    /// </summary>
    /// <example>
    /// <code>
    /// Directory("/opt/old-tool").Absent();
    /// </code>
    /// </example>
    public DirectoryResource Absent()
    {
        IsAbsent = true;
        return this;
    }

    internal override IEnumerable<string> PathsOn(NodeSpec node) => [Path];

    internal override IEnumerable<string> Validate() =>
        ResourcePaths.Check(Path, Key).Concat(ResourcePaths.CheckMode(Mode, Key)).Concat(ResourcePaths.CheckOwner(Owner, Key));

    internal override string FactFragment(NodeSpec node) => DesiredFile.Probe(Path, sendContent: false);

    private protected override FileState Parse(ResourceRecords records) => FileState.Read(records);

    private protected override ResourceChange? Diff(FileState actual, ResourceContext context)
    {
        var mode = FileState.NormalizeMode(Mode);
        var kept = context.Node.BackupsKept;
        if (actual.LinkProblem(Key, Path, context.Node.Name, removing: IsAbsent) is { } problem)
        {
            context.Problem(problem);
            return null;
        }
        if (IsAbsent)
        {
            return actual.Kind == FileKind.Missing ? null : Change("remove", [], FileOperations.Remove(Path, kept));
        }
        switch (actual.Kind)
        {
            case FileKind.Missing:
                return Change($"create ({mode}{(Owner is null ? "" : " " + Owner)})", [], FileOperations.EnsureDirectory(Path, mode, Owner));
            case FileKind.File or FileKind.Other or FileKind.Link:
                return Change($"replace the {actual.Kind.ToString().ToLowerInvariant()} at this path with a directory", [],
                    FileOperations.Remove(Path, kept), FileOperations.EnsureDirectory(Path, mode, Owner));
        }
        var lines = new List<string>();
        if (actual.Mode != mode) lines.Add($"mode {actual.Mode} → {mode}");
        if (Owner is not null && actual.Owner != Owner) lines.Add($"owner {actual.Owner} → {Owner}");
        return lines.Count == 0 ? null : Change("set " + string.Join(", ", lines), lines, FileOperations.EnsureDirectory(Path, mode, Owner));
    }

    private ResourceChange Change(string description, IReadOnlyList<string> lines, params Remote.RemoteCommand[] steps) =>
        new(Kind, Key, description, lines, ServiceEffect.None) { Steps = steps };
}

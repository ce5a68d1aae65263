using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources;

/// <summary>
/// A file as a resource wants it: content (null = absent), mode, owner (null = leave as is). Shared by every
/// file-backed resource so they all compare by hash, show the same text diff and write the same atomic way.
/// <see cref="BackupsKept"/> bounds the backups of the file its writes and removal keep.
/// </summary>
internal sealed record DesiredFile(string Path, string? Content, string Mode = "0644", string? Owner = null, bool Sensitive = false)
{
    public int BackupsKept { get; init; } = FileOperations.DefaultBackupsKept;

    /// <summary>The fact fragment: file state, with content only when it may be shown in a diff.</summary>
    public static string Probe(string path, bool sendContent) => $"probe_file {Remote.ShellQuote.Quote(path)} {(sendContent ? 1 : 0)}";

    public string Probe() => Probe(Path, !Sensitive);

    /// <summary>
    /// When set, how the plan shows a content change (old text, new text → lines), in place of a line diff or, for a
    /// sensitive file, of "content (sensitive) changed"; it must mask every secret itself. Used only when the host's
    /// content was read.
    /// </summary>
    public Func<string, string, IReadOnlyList<string>?>? ContentDiff { get; init; }

    /// <summary>Null when the file already matches; else what changes, and the steps that make it so.</summary>
    public (string Description, IReadOnlyList<string> Lines, IReadOnlyList<Remote.RemoteCommand> Steps)? Compare(FileState actual)
    {
        var mode = FileState.NormalizeMode(Mode);
        if (Content is null)
        {
            return actual.Kind == FileKind.Missing
                ? null
                : ("remove", Sensitive || actual.Content is null ? [] : TextDiff.Lines(actual.Content, ""), [FileOperations.Remove(Path, BackupsKept)]);
        }
        if (actual.Kind is FileKind.Directory or FileKind.Other or FileKind.Link)
        {
            return ($"replace the {actual.Kind.ToString().ToLowerInvariant()} at this path with a file", [],
                [FileOperations.Remove(Path, BackupsKept), FileOperations.WriteAtomically(Path, Content, mode, Owner, BackupsKept)]);
        }
        if (actual.Kind == FileKind.Missing)
        {
            return ($"create ({mode}{OwnerText})", ContentDiff?.Invoke("", Content) ?? (Sensitive ? [$"content {Model.SecretValue.Mask}"] : TextDiff.Lines("", Content)),
                [FileOperations.WriteAtomically(Path, Content, mode, Owner, BackupsKept)]);
        }
        var contentDiffers = actual.Sha256 != FileState.Sha256Of(Content);
        var modeDiffers = actual.Mode != mode;
        var ownerDiffers = Owner is not null && actual.Owner != Owner;
        if (!contentDiffers && !modeDiffers && !ownerDiffers) return null;

        var lines = new List<string>();
        if (modeDiffers) lines.Add($"mode {actual.Mode} → {mode}");
        if (ownerDiffers) lines.Add($"owner {actual.Owner} → {Owner}");
        if (contentDiffers)
        {
            if (actual.Content is not null && ContentDiff?.Invoke(actual.Content, Content) is { } structured) lines.AddRange(structured);
            else if (Sensitive) lines.Add($"content {Model.SecretValue.Mask} changed");
            else if (actual.Content is null) lines.Add($"content changed (sha256 {actual.Sha256![..12]}… → {FileState.Sha256Of(Content)[..12]}…)");
            else lines.AddRange(TextDiff.Lines(actual.Content, Content));
        }
        Remote.RemoteCommand step = contentDiffers ? FileOperations.WriteAtomically(Path, Content, mode, Owner, BackupsKept) : FileOperations.SetAttributes(Path, mode, Owner);
        return (contentDiffers ? "update" : "set " + string.Join(", ", lines), lines, [step]);
    }

    private string OwnerText => Owner is null ? "" : $" {Owner}";
}

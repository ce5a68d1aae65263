using System.Text;

namespace Rke2Converge.Resources;

/// <summary>
/// What <c>probe_file</c> found at a path. Public only because <see cref="FileState"/> is (see there).
/// </summary>
public enum FileKind
{
    /// <summary>
    /// Nothing is at the path.
    /// </summary>
    Missing,
    /// <summary>
    /// A regular file.
    /// </summary>
    File,
    /// <summary>
    /// A directory.
    /// </summary>
    Directory,

    /// <summary>Something else sits at the path (a device, a socket).</summary>
    Other,

    /// <summary>The path, or a parent directory, is a symbolic link rke2c will not follow (<see cref="FileState.Link"/>).</summary>
    Link,
}

/// <summary>
/// What <c>probe_file</c> found at a path. <see cref="Content"/> is null when it was not sent (sensitive, or large);
/// <see cref="Link"/> is the symbolic link found on the way, for <see cref="FileKind.Link"/>.
/// </summary>
public sealed record FileState(FileKind Kind, string? Sha256 = null, string? Mode = null, string? Owner = null, string? Content = null, string? Link = null)
{
    internal static FileState Missing { get; } = new(FileKind.Missing);

    internal static FileState Read(ResourceRecords records)
    {
        var tag = records.PeekTag();
        switch (tag)
        {
            case "missing":
                records.Next("missing");
                return Missing;
            case "other":
                records.Next("other");
                return new FileState(FileKind.Other);
            case "link":
                var link = records.Next("link");
                return new FileState(FileKind.Link, Link: records.Text(records.Field(link, 1)));
            case "dir":
                var dir = records.Next("dir");
                return new FileState(FileKind.Directory, Mode: NormalizeMode(records.Field(dir, 1)), Owner: records.Text(records.Field(dir, 2)));
            case "file":
                var file = records.Next("file");
                var content = records.Field(file, 4);
                return new FileState(
                    FileKind.File, records.Field(file, 1), NormalizeMode(records.Field(file, 2)), records.Text(records.Field(file, 3)),
                    content switch { "-" => null, "=" => "", _ => records.Text(content) });
            default:
                throw records.Error($"expected a file record, found '{tag ?? "nothing"}'");
        }
    }

    /// <summary>
    /// The plan problem for a link where <paramref name="path"/> should be, or null when there is none. Removing a
    /// link that is the path itself is safe (the link is moved, never its target), so <paramref name="removing"/> allows it.
    /// </summary>
    internal string? LinkProblem(string key, string path, string node, bool removing = false) =>
        Kind != FileKind.Link || (removing && Link == path)
            ? null
            : $"{key}: {Model.Validation.Printable.Quote(Link)} on {node} is a symbolic link; rke2c does not follow it to write, "
              + "chmod, chown or read what it points at: remove the link, or declare the real path";

    /// <summary>Modes compare as four octal digits: <c>644</c> and <c>0644</c> are the same.</summary>
    internal static string NormalizeMode(string mode) => mode.TrimStart('0').PadLeft(4, '0');

    internal static string Sha256Of(string content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}

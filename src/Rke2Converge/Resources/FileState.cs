using System.Text;

namespace Rke2Converge.Resources;

public enum FileKind
{
    Missing,
    File,
    Directory,

    /// <summary>Something else sits at the path (a device, a dangling link).</summary>
    Other,
}

/// <summary>What <c>probe_file</c> found at a path. <see cref="Content"/> is null when it was not sent (sensitive, or large).</summary>
public sealed record FileState(FileKind Kind, string? Sha256 = null, string? Mode = null, string? Owner = null, string? Content = null)
{
    public static FileState Missing { get; } = new(FileKind.Missing);

    public static FileState Read(ResourceRecords records)
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

    /// <summary>Modes compare as four octal digits: <c>644</c> and <c>0644</c> are the same.</summary>
    public static string NormalizeMode(string mode) => mode.TrimStart('0').PadLeft(4, '0');

    public static string Sha256Of(string content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}

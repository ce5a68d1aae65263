using Rke2Converge.Model;

namespace Rke2Converge.Facts;

/// <summary>
/// A file in /etc/rancher/rke2/config.yaml.d. RKE2 reads every <c>*.yaml</c> and <c>*.yml</c> there (any case) after
/// config.yaml, in name order; a later value wins and <c>key+:</c> appends. The content may carry a token, so it
/// is never part of <see cref="ToString"/>.
/// </summary>
internal sealed record ConfigDropIn
{
    public ConfigDropIn(string fileName, string content)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(content);
        if (!IsPlainFileName(fileName)) throw new ArgumentException($"'{fileName}' is not a file name in {Rke2Paths.ConfigDropInDirectory}", nameof(fileName));
        FileName = fileName;
        Content = content;
    }

    public string FileName { get; }

    public string Content { get; }

    public string Path => $"{Rke2Paths.ConfigDropInDirectory}/{FileName}";

    /// <summary>Whether RKE2 reads a file of this name from the drop-in directory (k3s configfilearg: suffix, any case).</summary>
    public static bool IsReadByRke2(string fileName) =>
        fileName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>A name of one entry in the directory: nothing that could point elsewhere once joined to it.</summary>
    public static bool IsPlainFileName(string fileName) =>
        fileName.Length > 0 && fileName is not "." and not ".." && !fileName.Contains('/') && !fileName.Contains('\0');

    public override string ToString() => $"{Path} ({Content.Length} characters)";
}

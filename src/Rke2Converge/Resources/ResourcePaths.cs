using System.Text.RegularExpressions;

namespace Rke2Converge.Resources;

/// <summary>Checks shared by resources that name paths, modes and owners.</summary>
internal static partial class ResourcePaths
{
    [GeneratedRegex("^0?[0-7]{3}$|^[0-7]{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModePattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnerPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.@+-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public static IEnumerable<string> Check(string path, string what)
    {
        if (string.IsNullOrEmpty(path) || !path.StartsWith('/')) yield return $"{what}: path must be absolute";
        else if (path == "/" || path.Split('/').Any(part => part is "." or "..")) yield return $"{what}: path must name a file below / without '.' or '..'";
        else if (path.Any(c => char.IsControl(c))) yield return $"{what}: path contains control characters";
    }

    /// <summary>A file's path: <see cref="Check"/>, and no trailing '/' (it would name a directory, and the write fails mid-node).</summary>
    public static IEnumerable<string> CheckFile(string path, string what)
    {
        var problems = Check(path, what).ToList();
        if (problems.Count == 0 && path.EndsWith('/')) problems.Add($"{what}: a file's path must not end in '/'");
        return problems;
    }

    /// <summary>
    /// The path as the kernel resolves it, lexically: repeated '/' collapsed, '.' dropped, '..' taking off the part
    /// before it, no trailing '/'. <c>//a</c>, <c>/a/</c>, <c>/a/.</c> and <c>/a/b/..</c> are all <c>/a</c>.
    /// </summary>
    public static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in (path ?? "").Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="ancestor"/> or lies below it (both normalised).</summary>
    public static bool IsAtOrBelow(string path, string ancestor) =>
        path == ancestor || ancestor == "/" || path.StartsWith(ancestor + "/", StringComparison.Ordinal);

    public static IEnumerable<string> CheckMode(string mode, string what)
    {
        if (!ModePattern().IsMatch(mode ?? "")) yield return $"{what}: mode '{mode}' is not octal like 0644";
    }

    public static IEnumerable<string> CheckOwner(string? owner, string what)
    {
        if (owner is not null && !OwnerPattern().IsMatch(owner)) yield return $"{what}: owner '{owner}' is not user or user:group";
    }

    /// <summary>A name that becomes one path component or a package/module name: no slashes, spaces or leading dash.</summary>
    public static IEnumerable<string> CheckName(string name, string what)
    {
        if (!NamePattern().IsMatch(name ?? "")) yield return $"{what}: '{name}' must be letters, digits and . _ - @ + (no slash, space or leading dash)";
    }
}

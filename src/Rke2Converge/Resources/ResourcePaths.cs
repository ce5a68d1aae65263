using System.Text.RegularExpressions;

namespace Rke2Converge.Resources;

/// <summary>Checks shared by resources that name paths, modes and owners.</summary>
public static partial class ResourcePaths
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

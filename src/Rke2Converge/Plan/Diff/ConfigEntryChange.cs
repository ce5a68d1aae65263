namespace Rke2Converge.Plan.Diff;

internal enum ConfigEntryChangeKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>
/// One difference between desired and actual config.yaml. <see cref="Path"/> is dotted for nested maps and ends in
/// <c>[]</c> for a list item added or removed. Sensitive entries carry the mask instead of their values.
/// </summary>
internal sealed record ConfigEntryChange(string Path, ConfigEntryChangeKind Kind, string? Before, string? After, bool Sensitive)
{
    public override string ToString()
    {
        return Kind switch
        {
            ConfigEntryChangeKind.Added => $"+ {Path}: {After}",
            ConfigEntryChangeKind.Removed => $"- {Path}: {Before}",
            _ => $"~ {Path}: {Before} → {After}",
        };
    }
}

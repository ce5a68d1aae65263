using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Rke2Converge.Model;

/// <summary>An RKE2 release such as <c>v1.32.5+rke2r1</c>: a Kubernetes version plus the RKE2 build revision.</summary>
internal sealed partial record Rke2Version(int Major, int Minor, int Patch, int Revision) : IComparable<Rke2Version>
{
    [GeneratedRegex(@"^v(\d+)\.(\d+)\.(\d+)\+rke2r(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, [NotNullWhen(true)] out Rke2Version? version)
    {
        version = null;
        if (text is null) return false;
        var match = Pattern().Match(text.Trim());
        if (!match.Success) return false;
        int Part(int i) => int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture);
        version = new Rke2Version(Part(1), Part(2), Part(3), Part(4));
        return true;
    }

    public static Rke2Version Parse(string text) =>
        TryParse(text, out var version)
            ? version
            : throw new FormatException($"'{text}' is not an RKE2 version; expected the form v1.32.5+rke2r1");

    /// <summary>The version as it appears in download URLs, where '+' must be escaped.</summary>
    public string UrlSegment => ToString().Replace("+", "%2B", StringComparison.Ordinal);

    public int CompareTo(Rke2Version? other)
    {
        if (other is null) return 1;
        var byMajor = Major.CompareTo(other.Major);
        if (byMajor != 0) return byMajor;
        var byMinor = Minor.CompareTo(other.Minor);
        if (byMinor != 0) return byMinor;
        var byPatch = Patch.CompareTo(other.Patch);
        return byPatch != 0 ? byPatch : Revision.CompareTo(other.Revision);
    }

    public static bool operator <(Rke2Version left, Rke2Version right) => left.CompareTo(right) < 0;

    public static bool operator >(Rke2Version left, Rke2Version right) => left.CompareTo(right) > 0;

    public static bool operator <=(Rke2Version left, Rke2Version right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Rke2Version left, Rke2Version right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"v{Major}.{Minor}.{Patch}+rke2r{Revision}";
}

using System.Globalization;
using Rke2Converge.Facts;

namespace Rke2Converge.Plan;

/// <summary>
/// RKE2's leaf certificates last a year. A server's certificates that expire within <see cref="NoteWithin"/> are a
/// note on its plan; within <see cref="DriftWithin"/> (or already expired) they are drift apply needs a decision on,
/// so <c>rke2c plan</c> exits 2 and no routine apply runs past them unnoticed.
/// </summary>
internal static class CertificateExpiryReview
{
    public static readonly TimeSpan NoteWithin = TimeSpan.FromDays(30);

    public static readonly TimeSpan DriftWithin = TimeSpan.FromDays(7);

    private const string Remedy =
        "restart rke2-server there (RKE2 renews certificates close to expiry when it starts) or rotate them with `rke2 certificate rotate`, "
        + "as docs/operations/certificates.md says";

    /// <summary>The notes and the unresolved drift for one host's certificates, soonest first, one line for each group.</summary>
    public static (IReadOnlyList<string> Notes, IReadOnlyList<string> Drift) Review(HostFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var soon = facts.Certificates.Where(cert => cert.Left < NoteWithin).OrderBy(cert => cert.Left).ThenBy(cert => cert.Path, StringComparer.Ordinal).ToList();
        var urgent = soon.Where(cert => cert.Left < DriftWithin).ToList();
        var notes = soon.Except(urgent).ToList();
        IReadOnlyList<string> drift = urgent.Count == 0 ? [] : [$"{Describe(urgent)}: {Remedy}"];
        IReadOnlyList<string> noted = notes.Count == 0 ? [] : [$"{Describe(notes)}: {Remedy}"];
        return (noted, drift);
    }

    private static string Describe(IReadOnlyList<CertificateExpiry> certificates)
    {
        var first = certificates[0];
        var others = certificates.Count > 1 ? $" (and {certificates.Count - 1} more: {string.Join(", ", certificates.Skip(1).Select(c => Name(c.Path)))})" : "";
        return $"certificate {Name(first.Path)} {When(first.Left)}{others}";
    }

    private static string Name(string path) => System.IO.Path.GetFileName(path);

    private static string When(TimeSpan left) => left <= TimeSpan.Zero
        ? "has expired"
        : left < TimeSpan.FromDays(1)
            ? $"expires in {Math.Ceiling(left.TotalHours).ToString(CultureInfo.InvariantCulture)} hours"
            : $"expires in {Math.Floor(left.TotalDays).ToString(CultureInfo.InvariantCulture)} days";
}

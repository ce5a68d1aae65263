namespace Rke2Converge.Remote.SshNet;

/// <summary>
/// An ssh_config(5) algorithm list such as <c>KexAlgorithms</c>, applied to the algorithms a client offers by default:
/// a plain list replaces them, <c>+list</c> appends, <c>-list</c> removes (patterns allowed), <c>^list</c> puts first.
/// </summary>
internal static class SshAlgorithmList
{
    /// <summary>
    /// The algorithms to offer, in preference order. A named algorithm <paramref name="supported"/> does not hold is
    /// passed over, as it cannot be offered; <see cref="FormatException"/> when nothing is left to offer.
    /// </summary>
    public static IReadOnlyList<string> Apply(string keyword, string spec, IReadOnlyList<string> defaults, IReadOnlySet<string> supported)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(supported);
        if (!IsWellFormed(spec)) throw new FormatException($"{keyword} '{spec}': a comma-separated list of algorithm names is expected");
        var (mode, names) = Split(spec);
        var offered = mode switch
        {
            '+' => [.. defaults, .. names.Where(supported.Contains).Except(defaults)],
            '-' => [.. defaults.Where(algorithm => !names.Any(pattern => Wildcard.Matches(pattern, algorithm)))],
            '^' => [.. names.Where(supported.Contains).Distinct(), .. defaults.Except(names)],
            _ => names.Where(supported.Contains).Distinct().ToList(),
        };
        if (offered.Count == 0)
        {
            throw new FormatException($"{keyword} '{spec}' leaves nothing the SSH.NET transport can offer; it supports {string.Join(",", defaults)}");
        }
        return offered;
    }

    /// <summary>Names separated by single commas, optionally after one of <c>+ - ^</c>.</summary>
    public static bool IsWellFormed(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Split(spec).Names.All(name => name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)));
    }

    private static (char Mode, string[] Names) Split(string spec)
    {
        var mode = spec.Length > 0 && spec[0] is '+' or '-' or '^' ? spec[0] : ' ';
        return (mode, (mode == ' ' ? spec : spec[1..]).Split(','));
    }
}

namespace Rke2Converge.Model.Validation;

/// <summary>Which command of RKE2 reads a config.yaml key.</summary>
[Flags]
internal enum Rke2Command
{
    None = 0,
    Server = 1,
    Agent = 2,
}

/// <summary>
/// The config.yaml keys RKE2 accepts (its server and agent flags), from <c>rke2-config-keys.txt</c>, which
/// <c>tools/rke2-config-keys.py</c> derives from rancher/rke2's source; the file names the releases it read.
/// RKE2 ignores unknown keys silently, so a typo is only caught here.
/// </summary>
internal static class Rke2ConfigKeys
{
    private const string ResourceName = "Rke2Converge.rke2-config-keys.txt";

    private static readonly Lazy<IReadOnlyDictionary<string, Rke2Command>> Known = new(Load);

    public static IReadOnlyDictionary<string, Rke2Command> All => Known.Value;

    /// <summary>
    /// k3s's one-letter aliases, which RKE2 inherits with the flags it wraps. k3s's config-file parser turns each key
    /// into a flag, and a one-letter key into a short one (k3s pkg/configfilearg/parser.go, readConfigFile:
    /// <c>prefix := "--"; if len(k) == 1 { prefix = "-" }</c>), so <c>t: x</c> in config.yaml is <c>-t x</c>, which is
    /// <c>--token x</c>. The aliases are those of the server and agent flags in k3s pkg/cli/cmds: server.go
    /// (<c>data-dir,d</c>, <c>token,t</c>, <c>write-kubeconfig,o</c>, <c>server,s</c>), agent.go (<c>token,t</c>,
    /// <c>server,s</c>, <c>data-dir,d</c>, <c>node-ip,i</c>), log.go (<c>log,l</c>) and config.go (<c>config</c>,
    /// <c>Aliases: c</c>). <c>v</c> (log.go) is a flag's own name, not an alias.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ShortAliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["t"] = "token",
        ["s"] = "server",
        ["d"] = "data-dir",
        ["o"] = "write-kubeconfig",
        ["i"] = "node-ip",
        ["l"] = "log",
        ["c"] = "config",
    };

    /// <summary>The key RKE2 reads <paramref name="key"/> as: the long name of a one-letter alias, else the key itself.</summary>
    public static string LongName(string key) => ShortAliases.TryGetValue(key, out var longName) ? longName : key;

    /// <summary>The commands that read <paramref name="key"/> (a trailing <c>+</c>, RKE2's append form, is ignored).</summary>
    public static Rke2Command CommandsReading(string key) =>
        All.TryGetValue(LongName(Bare(key)), out var commands) ? commands : Rke2Command.None;

    /// <summary>The key without RKE2's append suffix: <c>tls-san+</c> appends to <c>tls-san</c>.</summary>
    public static string Bare(string key) => key.EndsWith('+') ? key[..^1] : key;

    /// <summary>The known keys nearest to <paramref name="key"/> (typos, <c>_</c> for <c>-</c>, a stray plural), if any are near.</summary>
    public static IReadOnlyList<string> Suggest(string key, int max = 3)
    {
        var wanted = Bare(key).Trim().ToLowerInvariant().Replace('_', '-');
        if (All.ContainsKey(wanted)) return [wanted];
        var limit = Math.Max(2, wanted.Length / 4);
        var near = All.Keys
            .Select(candidate => (Candidate: candidate, Distance: EditDistance.Between(wanted, candidate)))
            .Where(c => c.Distance <= limit)
            .ToList();
        if (near.Count == 0) return [];
        var best = near.Min(c => c.Distance);
        return [.. near.Where(c => c.Distance == best).Select(c => c.Candidate).Order(StringComparer.Ordinal).Take(max)];
    }

    private static IReadOnlyDictionary<string, Rke2Command> Load()
    {
        using var stream = typeof(Rke2ConfigKeys).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        var keys = new Dictionary<string, Rke2Command>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var commands = fields.Skip(1).Aggregate(Rke2Command.None, (all, word) => all | Enum.Parse<Rke2Command>(word, ignoreCase: true));
            keys[fields[0]] = commands;
        }
        return keys;
    }
}

/// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost one.</summary>
internal static class EditDistance
{
    public static int Between(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}

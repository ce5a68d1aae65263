namespace Rke2Sim.Cli.Rke2;

/// <summary>
/// A command's arguments parsed the way urfave/cli (on Go's flag package) parses them for rke2 and k3s: flags first,
/// <c>-f</c> or <c>--f</c>, a value as <c>--f=v</c> or <c>--f v</c>; parsing stops at the first positional argument
/// or <c>--</c>. An unknown flag is <c>Incorrect Usage: flag provided but not defined: -NAME</c> (exit 1), and
/// <c>--help</c>/<c>-h</c> asks for the command's help, which changes nothing.
/// </summary>
public sealed class UrfaveArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    private UrfaveArguments(IReadOnlyList<string> positional) => Positional = positional;

    public IReadOnlyList<string> Positional { get; private set; }

    public bool HelpRequested { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The value of a flag given by any of its names (the first name is the canonical one).</summary>
    public string? Value(string name) => _values.GetValueOrDefault(name);

    public bool Has(string name) => _switches.Contains(name) || _values.ContainsKey(name);

    /// <summary>
    /// Parses <paramref name="args"/> against the flags: each entry names a flag and its aliases (without dashes) and
    /// whether it takes a value.
    /// </summary>
    public static UrfaveArguments Parse(IReadOnlyList<string> args, IReadOnlyList<(string[] Names, bool TakesValue)> flags)
    {
        var parsed = new UrfaveArguments([]);
        var i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--") { i++; break; }
            if (arg.Length < 2 || arg[0] != '-') break;
            var body = arg.TrimStart('-');
            if (arg.StartsWith("---", StringComparison.Ordinal) || body.Length == 0 || body[0] == '=')
            {
                parsed.Error = $"bad flag syntax: {arg}";
                return parsed;
            }
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            var spec = flags.FirstOrDefault(f => f.Names.Contains(name, StringComparer.Ordinal));
            if (spec.Names is null)
            {
                if (name is "help" or "h")
                {
                    parsed.HelpRequested = true;
                    continue;
                }
                parsed.Error = $"flag provided but not defined: -{name}";
                return parsed;
            }
            var canonical = spec.Names[0];
            if (!spec.TakesValue)
            {
                if (equals >= 0 && body[(equals + 1)..] is not ("true" or "false" or "1" or "0"))
                {
                    parsed.Error = $"invalid boolean value \"{body[(equals + 1)..]}\" for -{name}";
                    return parsed;
                }
                if (equals < 0 || body[(equals + 1)..] is "true" or "1") parsed._switches.Add(canonical);
                continue;
            }
            if (equals >= 0)
            {
                parsed._values[canonical] = body[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                parsed._values[canonical] = args[++i];
            }
            else
            {
                parsed.Error = $"flag needs an argument: -{name}";
                return parsed;
            }
        }
        parsed.Positional = [.. args.Skip(i)];
        return parsed;
    }

    /// <summary>Prints what upstream prints for a refused command line; the caller exits 1.</summary>
    public static int Refuse(string error, string help)
    {
        Console.Error.WriteLine($"Incorrect Usage: {error}");
        Console.Error.WriteLine();
        Console.Error.Write(help);
        return 1;
    }
}

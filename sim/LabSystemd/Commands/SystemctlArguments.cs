namespace LabSystemd.Commands;

/// <summary>systemctl's command line: a verb, unit names and the flags the lab understands.</summary>
public sealed class SystemctlArguments
{
    public string Verb { get; private set; } = "";
    public List<string> Units { get; } = [];
    public bool NoBlock { get; private set; }
    public bool Quiet { get; private set; }
    public bool Now { get; private set; }
    public bool ValueOnly { get; private set; }
    public bool Version { get; private set; }
    public bool Help { get; private set; }
    public List<string> Properties { get; } = [];
    public int Lines { get; private set; } = 10;

    private static readonly HashSet<string> IgnoredFlags =
    [
        "--no-pager", "--no-legend", "--plain", "--full", "-l", "--all", "-a", "--system", "--no-ask-password", "--force", "-f",
    ];

    public static SystemctlArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new SystemctlArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--no-block": parsed.NoBlock = true; break;
                case "-q" or "--quiet": parsed.Quiet = true; break;
                case "--now": parsed.Now = true; break;
                case "--value": parsed.ValueOnly = true; break;
                case "--version": parsed.Version = true; break;
                case "-h" or "--help": parsed.Help = true; break;
                case "-p" or "--property":
                    if (i + 1 >= args.Count) throw new ArgumentException($"option '{arg}' requires an argument");
                    parsed.AddProperties(args[++i]);
                    break;
                case "-n" or "--lines":
                    if (i + 1 >= args.Count) throw new ArgumentException($"option '{arg}' requires an argument");
                    parsed.Lines = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "-o" or "--output":
                    i++;
                    break;
                default:
                    if (arg.StartsWith("--property=", StringComparison.Ordinal)) parsed.AddProperties(arg["--property=".Length..]);
                    else if (arg.StartsWith("-p", StringComparison.Ordinal) && arg.Length > 2) parsed.AddProperties(arg[2..]);
                    else if (arg.StartsWith("--lines=", StringComparison.Ordinal)) parsed.Lines = int.Parse(arg["--lines=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    else if (arg.StartsWith("--output=", StringComparison.Ordinal) || IgnoredFlags.Contains(arg)) { }
                    else if (arg.StartsWith('-')) throw new ArgumentException($"unrecognized option '{arg}'");
                    else if (parsed.Verb.Length == 0) parsed.Verb = arg;
                    else parsed.Units.Add(arg);
                    break;
            }
        }
        return parsed;
    }

    private void AddProperties(string list) =>
        Properties.AddRange(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

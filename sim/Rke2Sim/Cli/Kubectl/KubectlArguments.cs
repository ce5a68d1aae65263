namespace Rke2Sim.Cli.Kubectl;

/// <summary>The kubectl flags the simulator understands, parsed from the command line.</summary>
public sealed class KubectlArguments
{
    public string? Kubeconfig { get; private set; }
    public string? Namespace { get; private set; }
    public string? Output { get; private set; }
    public string? Raw { get; private set; }
    public bool AllNamespaces { get; private set; }
    public List<string> Positional { get; } = [];

    /// <summary>The flags of the write commands (drain, create, patch, delete), by name without dashes.</summary>
    public Dictionary<string, string> Flags { get; } = new(StringComparer.Ordinal);

    private static readonly string[] ValueFlags = ["timeout", "grace-period", "image", "replicas", "selector", "min-available", "max-unavailable", "patch", "type", "pod-selector"];

    private static readonly string[] BoolFlags = ["ignore-daemonsets", "delete-emptydir-data", "delete-local-data", "force", "disable-eviction", "wait"];

    public string? Flag(string name) => Flags.GetValueOrDefault(name);

    public bool IsSet(string name) => Flags.TryGetValue(name, out var value) && value != "false";

    public static KubectlArguments Parse(string[] args)
    {
        var parsed = new KubectlArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value(string name)
            {
                if (arg == name) return i + 1 < args.Length ? args[++i] : throw new ArgumentException($"flag needs an argument: {name}");
                if (arg.StartsWith(name + "=", StringComparison.Ordinal)) return arg[(name.Length + 1)..];
                return null;
            }
            if (Value("--kubeconfig") is { } kubeconfig) parsed.Kubeconfig = kubeconfig;
            else if (Value("--namespace") is { } ns) parsed.Namespace = ns;
            else if (Value("-n") is { } shortNs) parsed.Namespace = shortNs;
            else if (Value("--output") is { } output) parsed.Output = output;
            else if (Value("-o") is { } shortOutput) parsed.Output = shortOutput;
            else if (arg.StartsWith("-o", StringComparison.Ordinal) && arg.Length > 2 && !arg.StartsWith("--", StringComparison.Ordinal)) parsed.Output = arg[2..];
            else if (Value("--raw") is { } raw) parsed.Raw = raw;
            else if (Value("--request-timeout") is not null || Value("--context") is not null) { }
            else if (arg is "-A" or "--all-namespaces") parsed.AllNamespaces = true;
            else if (arg == "-l") parsed.Flags["selector"] = i + 1 < args.Length ? args[++i] : throw new ArgumentException("flag needs an argument: 'l' in -l");
            else if (arg == "-p") parsed.Flags["patch"] = i + 1 < args.Length ? args[++i] : throw new ArgumentException("flag needs an argument: 'p' in -p");
            else if (arg.StartsWith("--", StringComparison.Ordinal) && ParseFlag(arg[2..], args, ref i, parsed)) { }
            else if (arg.StartsWith('-')) throw new ArgumentException($"unknown flag: {arg}");
            else parsed.Positional.Add(arg);
        }
        return parsed;
    }

    private static bool ParseFlag(string flag, string[] args, ref int i, KubectlArguments parsed)
    {
        var eq = flag.IndexOf('=');
        var name = eq >= 0 ? flag[..eq] : flag;
        if (BoolFlags.Contains(name))
        {
            parsed.Flags[name] = eq >= 0 ? flag[(eq + 1)..] : "true";
            return true;
        }
        if (!ValueFlags.Contains(name)) return false;
        parsed.Flags[name] = eq >= 0 ? flag[(eq + 1)..] : i + 1 < args.Length ? args[++i] : throw new ArgumentException($"flag needs an argument: --{name}");
        return true;
    }
}

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
            else if (arg.StartsWith('-')) throw new ArgumentException($"unknown flag: {arg}");
            else parsed.Positional.Add(arg);
        }
        return parsed;
    }
}

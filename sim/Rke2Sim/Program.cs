using Rke2Sim.Artifacts;
using Rke2Sim.Cli;
using Rke2Sim.Cli.Crictl;
using Rke2Sim.Cli.Rke2;
using Rke2Sim.Versions;

return args.FirstOrDefault() switch
{
    "make-artifacts" => MakeArtifacts(args[1..]),
    "rke2" => await Rke2Command.RunAsync(args[1..]),
    "crictl" => CrictlCommand.Run(args[1..]),
    "killall" => KillAllCommand.Run(),
    "--version" or "-v" => ProcessVersion.Print(),
    _ => Usage(),
};

static int MakeArtifacts(string[] args)
{
    string? output = null;
    IReadOnlyList<string> versions = ReleaseInfo.DefaultVersions;
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i] == "--out" && i + 1 < args.Length) output = args[++i];
        else if (args[i] == "--versions" && i + 1 < args.Length) versions = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        else
        {
            Console.Error.WriteLine($"make-artifacts: unexpected argument {args[i]}");
            return 2;
        }
    }
    if (output is null)
    {
        Console.Error.WriteLine("make-artifacts: --out DIR is required");
        return 2;
    }
    foreach (var version in versions)
    {
        ReleaseInfo.Parse(version);
        Console.Out.WriteLine(ArtifactBuilder.Build(output, version));
    }
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: rke2sim make-artifacts --out DIR [--versions v1,v2] | rke2 --sim-version V ... | crictl ... | killall");
    return 2;
}

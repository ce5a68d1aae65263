using LabSystemd.Commands;
using LabSystemd.Runner;
using LabSystemd.State;
using LabSystemd.Units;

var paths = HostPaths.FromEnvironment();
var catalog = new UnitCatalog(paths);
var store = new StateStore(paths);
var systemctl = new SystemctlCommand(catalog, store, Console.Out, Console.Error);
var rest = args.Skip(1).ToList();

return args.FirstOrDefault() switch
{
    "systemctl" => systemctl.Run(rest),
    "journalctl" => new JournalctlCommand(paths, Console.Out, Console.Error).Run(rest, DateTimeOffset.UtcNow),
    "run-unit" when rest.Count == 1 => await new UnitRunner(catalog, store, UnitNames.Normalize(rest[0])).RunAsync(),
    "boot" => new BootCommand(catalog, systemctl, Console.Error).Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: labsystemd systemctl ARGS... | journalctl ARGS... | boot | run-unit UNIT");
    return 2;
}

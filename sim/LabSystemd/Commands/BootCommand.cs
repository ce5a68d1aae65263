using LabSystemd.Units;

namespace LabSystemd.Commands;

/// <summary>What the end of a boot does for the lab: start every unit enabled for multi-user.target, without waiting.</summary>
public sealed class BootCommand(UnitCatalog catalog, SystemctlCommand systemctl, TextWriter stderr)
{
    public int Run()
    {
        var exit = 0;
        foreach (var unit in catalog.WantedBy("multi-user.target"))
        {
            var code = systemctl.Start(unit, block: false, "start");
            if (code != 0)
            {
                stderr.WriteLine($"boot: {unit} did not start (exit {code})");
                exit = 1;
            }
        }
        return exit;
    }
}

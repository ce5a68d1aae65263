namespace LabSystemd.State;

/// <summary>Where this host keeps things. Overridable by environment so tests can run outside a lab host.</summary>
public sealed class HostPaths
{
    public required string StateRoot { get; init; }
    public required IReadOnlyList<string> UnitSearchPath { get; init; }
    public required string HostEnvFile { get; init; }

    /// <summary>Where enable/disable put their symlinks (the first search path, /etc/systemd/system).</summary>
    public string ConfigDirectory => UnitSearchPath[0];
    public string UnitsStateDirectory => Path.Combine(StateRoot, "units");
    public string LoadedDirectory => Path.Combine(StateRoot, "loaded");
    public string JournalDirectory => Path.Combine(StateRoot, "journal");
    public string NotifyDirectory => Path.Combine(StateRoot, "notify");

    /// <summary>
    /// Where <c>systemctl reboot</c> asks the lab for a reboot: beside host.env, which a reboot keeps, watched from
    /// outside the host by lab.sh (a process inside cannot restart its own namespace).
    /// </summary>
    public string RebootRequestFile => Path.Combine(Path.GetDirectoryName(HostEnvFile) ?? "/run/rke2-sim", "reboot-requested");

    public static HostPaths FromEnvironment()
    {
        var root = Environment.GetEnvironmentVariable("LABSYSTEMD_STATE") ?? "/run/rke2-sim/systemd";
        var unitPath = Environment.GetEnvironmentVariable("LABSYSTEMD_UNIT_PATH");
        var search = unitPath is { Length: > 0 }
            ? unitPath.Split(':', StringSplitOptions.RemoveEmptyEntries)
            : ["/etc/systemd/system", "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];
        return new HostPaths
        {
            StateRoot = root,
            UnitSearchPath = search,
            HostEnvFile = Environment.GetEnvironmentVariable("LABSYSTEMD_HOST_ENV") ?? "/run/rke2-sim/host.env",
        };
    }

    /// <summary>The host's name for journal lines: RKE2_SIM_HOST from host.env, else the machine name.</summary>
    public string HostName()
    {
        try
        {
            foreach (var line in File.ReadLines(HostEnvFile))
            {
                if (line.StartsWith("RKE2_SIM_HOST=", StringComparison.Ordinal)) return line["RKE2_SIM_HOST=".Length..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Environment.MachineName;
    }
}

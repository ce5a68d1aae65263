namespace LabSystemd.Units;

public enum ServiceType { Simple, Exec, Notify }

public enum RestartPolicy { No, Always, OnFailure }

public enum KillMode { ControlGroup, Mixed, Process, None }

public sealed record EnvironmentFileRef(string Path, bool Optional);

/// <summary>The parts of a .service unit the lab honours, as loaded from its fragment and drop-ins.</summary>
public sealed record ServiceUnit
{
    public required string Name { get; init; }
    public required string FragmentPath { get; init; }
    public IReadOnlyList<string> DropInPaths { get; init; } = [];
    public string Description { get; init; } = "";
    public ServiceType Type { get; init; } = ServiceType.Simple;
    public IReadOnlyList<ExecCommand> ExecStartPre { get; init; } = [];
    public IReadOnlyList<ExecCommand> ExecStart { get; init; } = [];
    public RestartPolicy Restart { get; init; } = RestartPolicy.No;
    public TimeSpan RestartSec { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan TimeoutStartSec { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan TimeoutStopSec { get; init; } = TimeSpan.FromSeconds(90);
    public IReadOnlyList<string> Conflicts { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];
    public IReadOnlyList<EnvironmentFileRef> EnvironmentFiles { get; init; } = [];
    public KillMode KillMode { get; init; } = KillMode.ControlGroup;
    public IReadOnlyList<string> WantedBy { get; init; } = [];

    /// <summary>The unit name without its suffix ("%N").</summary>
    public string Prefix => UnitNames.Prefix(Name);
}

public static class UnitNames
{
    private static readonly string[] Suffixes = [".service", ".target", ".socket", ".timer", ".mount", ".path", ".slice", ".scope"];

    /// <summary>"rke2-server" → "rke2-server.service", like systemctl does for bare names.</summary>
    public static string Normalize(string name) =>
        Suffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)) ? name : name + ".service";

    public static string Prefix(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }
}

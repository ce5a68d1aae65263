namespace LabSystemd.Units;

/// <summary>One file of a unit as read from disk: the fragment or a drop-in.</summary>
public sealed record UnitSource(string Path, string Text);

/// <summary>Parses unit files (fragment first, then drop-ins in order) into a <see cref="ServiceUnit"/>.</summary>
public static class UnitFileParser
{
    public static ServiceUnit Parse(string name, IReadOnlyList<UnitSource> sources, string hostName)
    {
        if (sources.Count == 0) throw new ArgumentException("a unit needs at least its fragment", nameof(sources));
        var unit = new ServiceUnit
        {
            Name = name,
            FragmentPath = sources[0].Path,
            DropInPaths = sources.Skip(1).Select(s => s.Path).ToList(),
        };
        var pre = new List<ExecCommand>();
        var start = new List<ExecCommand>();
        var conflicts = new List<string>();
        var environment = new List<KeyValuePair<string, string>>();
        var environmentFiles = new List<EnvironmentFileRef>();
        var wantedBy = new List<string>();
        foreach (var source in sources)
        {
            foreach (var (section, key, rawValue) in ReadAssignments(source.Text))
            {
                var value = ExpandSpecifiers(rawValue, name, hostName);
                switch (section, key)
                {
                    case ("Unit", "Description"): unit = unit with { Description = value }; break;
                    case ("Unit", "Conflicts"): AddListOrReset(conflicts, value, v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(UnitNames.Normalize)); break;
                    case ("Install", "WantedBy"): AddListOrReset(wantedBy, value, v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)); break;
                    case ("Service", "Type"): unit = unit with { Type = ParseType(value) }; break;
                    case ("Service", "ExecStartPre"): AddExec(pre, value); break;
                    case ("Service", "ExecStart"): AddExec(start, value); break;
                    case ("Service", "Restart"): unit = unit with { Restart = ParseRestart(value) }; break;
                    case ("Service", "RestartSec"): unit = unit with { RestartSec = SystemdTime.ParseSpan(value) ?? unit.RestartSec }; break;
                    case ("Service", "TimeoutStartSec"): unit = unit with { TimeoutStartSec = SystemdTime.ParseTimeout(value, unit.TimeoutStartSec) }; break;
                    case ("Service", "TimeoutStopSec"): unit = unit with { TimeoutStopSec = SystemdTime.ParseTimeout(value, unit.TimeoutStopSec) }; break;
                    case ("Service", "TimeoutSec"):
                        unit = unit with
                        {
                            TimeoutStartSec = SystemdTime.ParseTimeout(value, unit.TimeoutStartSec),
                            TimeoutStopSec = SystemdTime.ParseTimeout(value, unit.TimeoutStopSec),
                        };
                        break;
                    case ("Service", "Environment"): AddListOrReset(environment, value, ParseEnvironment); break;
                    case ("Service", "EnvironmentFile"):
                        AddListOrReset(environmentFiles, value, v => [v.StartsWith('-') ? new EnvironmentFileRef(v[1..], true) : new EnvironmentFileRef(v, false)]);
                        break;
                    case ("Service", "KillMode"): unit = unit with { KillMode = ParseKillMode(value) }; break;
                    default: break; // everything else (Delegate=, Limit*=, ExecStopPost=, ...) is accepted and ignored
                }
            }
        }
        return unit with
        {
            ExecStartPre = pre, ExecStart = start, Conflicts = conflicts, Environment = environment,
            EnvironmentFiles = environmentFiles, WantedBy = wantedBy,
        };
    }

    /// <summary>Section, key and value of every assignment; continuation lines ("\" at the end) are joined.</summary>
    public static IEnumerable<(string Section, string Key, string Value)> ReadAssignments(string text)
    {
        var section = "";
        string? pending = null;
        foreach (var rawLine in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = pending is null ? rawLine.Trim() : pending + " " + rawLine.Trim();
            pending = null;
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.EndsWith('\\')) { pending = line[..^1].TrimEnd(); continue; }
            if (line[0] == '[' && line[^1] == ']') { section = line[1..^1]; continue; }
            var equals = line.IndexOf('=');
            if (equals <= 0) continue;
            yield return (section, line[..equals].Trim(), line[(equals + 1)..].Trim());
        }
        if (pending is not null)
        {
            var equals = pending.IndexOf('=');
            if (equals > 0) yield return (section, pending[..equals].Trim(), pending[(equals + 1)..].Trim());
        }
    }

    /// <summary>%n %N %p %i %H %t %h %%; anything else is left alone.</summary>
    public static string ExpandSpecifiers(string value, string unitName, string hostName)
    {
        if (!value.Contains('%')) return value;
        var prefix = UnitNames.Prefix(unitName);
        var at = prefix.IndexOf('@');
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '%' || i + 1 >= value.Length) { builder.Append(value[i]); continue; }
            var replacement = value[i + 1] switch
            {
                'n' => unitName,
                'N' => prefix,
                'p' => at >= 0 ? prefix[..at] : prefix,
                'i' => at >= 0 ? prefix[(at + 1)..] : "",
                'H' => hostName,
                't' => "/run",
                'h' => "/root",
                '%' => "%",
                _ => null,
            };
            if (replacement is null) { builder.Append('%'); continue; }
            builder.Append(replacement);
            i++;
        }
        return builder.ToString();
    }

    public static IEnumerable<KeyValuePair<string, string>> ParseEnvironment(string value) =>
        CommandLineSplitter.Split(value)
            .Where(w => w.Contains('='))
            .Select(w => new KeyValuePair<string, string>(w[..w.IndexOf('=')], w[(w.IndexOf('=') + 1)..]));

    /// <summary>KEY=VALUE lines of an EnvironmentFile=; comments and blank lines skipped, one level of quotes removed.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ParseEnvironmentFile(string text)
    {
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var equals = line.IndexOf('=');
            if (equals <= 0) continue;
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0]) value = value[1..^1];
            yield return new(line[..equals].Trim(), value);
        }
    }

    private static void AddExec(List<ExecCommand> list, string value)
    {
        if (value.Length == 0) { list.Clear(); return; }
        var command = ExecCommand.Parse(value);
        if (command is not null) list.Add(command);
    }

    private static void AddListOrReset<T>(List<T> list, string value, Func<string, IEnumerable<T>> parse)
    {
        if (value.Length == 0) list.Clear();
        else list.AddRange(parse(value));
    }

    private static ServiceType ParseType(string value) => value switch
    {
        "notify" or "notify-reload" => ServiceType.Notify,
        "exec" => ServiceType.Exec,
        _ => ServiceType.Simple,
    };

    private static RestartPolicy ParseRestart(string value) => value switch
    {
        "always" => RestartPolicy.Always,
        "on-failure" or "on-abnormal" or "on-abort" or "on-watchdog" => RestartPolicy.OnFailure,
        _ => RestartPolicy.No,
    };

    private static KillMode ParseKillMode(string value) => value switch
    {
        "process" => KillMode.Process,
        "mixed" => KillMode.Mixed,
        "none" => KillMode.None,
        _ => KillMode.ControlGroup,
    };
}

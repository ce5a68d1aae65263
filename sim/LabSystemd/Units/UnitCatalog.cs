using System.Text.Json;
using LabSystemd.State;

namespace LabSystemd.Units;

/// <summary>The outcome of looking a unit up: its definition as systemd has it loaded, and whether disk differs.</summary>
public sealed record LoadedUnit(ServiceUnit Unit, bool NeedDaemonReload);

/// <summary>
/// Finds unit files on disk and keeps systemd's "loaded" copy: a unit is read on first use and again only after
/// daemon-reload, so editing a unit file without a reload keeps using the old definition (with systemd's warning).
/// </summary>
public sealed class UnitCatalog(HostPaths paths)
{
    private readonly string _hostName = paths.HostName();

    public HostPaths Paths => paths;

    public LoadedUnit? Load(string name)
    {
        var onDisk = ReadSources(name);
        var cacheFile = CacheFile(name);
        List<UnitSource>? cached = null;
        if (File.Exists(cacheFile))
        {
            try { cached = JsonSerializer.Deserialize(File.ReadAllText(cacheFile), LabJson.Default.ListUnitSource); }
            catch (JsonException) { cached = null; }
        }
        if (cached is null || cached.Count == 0)
        {
            if (onDisk is null) return null;
            Directory.CreateDirectory(paths.LoadedDirectory);
            AtomicFile.Write(cacheFile, JsonSerializer.Serialize(onDisk, LabJson.Default.ListUnitSource));
            return new LoadedUnit(UnitFileParser.Parse(name, onDisk, _hostName), false);
        }
        var changed = onDisk is null || !onDisk.SequenceEqual(cached);
        return new LoadedUnit(UnitFileParser.Parse(name, cached, _hostName), changed);
    }

    /// <summary>daemon-reload: forget every loaded copy; the next use reads the files again.</summary>
    public void Reload()
    {
        if (!Directory.Exists(paths.LoadedDirectory)) return;
        foreach (var file in Directory.EnumerateFiles(paths.LoadedDirectory, "*.json")) File.Delete(file);
    }

    /// <summary>The fragment and drop-ins of the unit as they are on disk now, or null if there is no fragment.</summary>
    public List<UnitSource>? ReadSources(string name)
    {
        string? fragment = null;
        foreach (var directory in paths.UnitSearchPath)
        {
            var candidate = Path.Combine(directory, name);
            if (!File.Exists(candidate)) continue;
            var target = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target == "/dev/null") return null; // masked
            fragment = candidate;
            break;
        }
        if (fragment is null) return null;
        var dropIns = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in paths.UnitSearchPath.Reverse())
        {
            var dropInDirectory = Path.Combine(directory, name + ".d");
            if (!Directory.Exists(dropInDirectory)) continue;
            foreach (var file in Directory.EnumerateFiles(dropInDirectory, "*.conf")) dropIns[Path.GetFileName(file)] = file;
        }
        var sources = new List<UnitSource> { new(fragment, File.ReadAllText(fragment)) };
        sources.AddRange(dropIns.Values.Select(f => new UnitSource(f, File.ReadAllText(f))));
        return sources;
    }

    public bool Exists(string name) => ReadSources(name) is not null;

    /// <summary>"enabled" when a .wants/.requires link exists, "static" without [Install], else "disabled".</summary>
    public string UnitFileState(ServiceUnit unit) =>
        EnablementLinks(unit.Name).Any() ? "enabled" : unit.WantedBy.Count == 0 ? "static" : "disabled";

    public IEnumerable<string> EnablementLinks(string name)
    {
        if (!Directory.Exists(paths.ConfigDirectory)) return [];
        return Directory.EnumerateDirectories(paths.ConfigDirectory)
            .Where(d => d.EndsWith(".wants", StringComparison.Ordinal) || d.EndsWith(".requires", StringComparison.Ordinal))
            .Select(d => Path.Combine(d, name))
            .Where(l => File.Exists(l) || new FileInfo(l).LinkTarget is not null)
            .ToList();
    }

    /// <summary>Units linked into &lt;target&gt;.wants, i.e. what "boot" starts.</summary>
    public IEnumerable<string> WantedBy(string target)
    {
        var directory = Path.Combine(paths.ConfigDirectory, target + ".wants");
        return Directory.Exists(directory)
            ? Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            : [];
    }

    private string CacheFile(string name) => Path.Combine(paths.LoadedDirectory, name + ".json");
}

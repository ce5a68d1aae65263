using System.Text;
using System.Text.RegularExpressions;

namespace Rke2Converge.Facts;

/// <summary>Turns the output of <see cref="FactScript"/> back into <see cref="HostFacts"/>.</summary>
public static partial class FactParser
{
    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    /// <summary>
    /// Parses one host's output. When <paramref name="expectedSysctls"/> is given, every one of them must have
    /// been reported (as a value or as missing).
    /// </summary>
    /// <exception cref="FactParseException">The output is not complete, well-formed fact output.</exception>
    public static HostFacts Parse(
        string nodeName, string stdout, IEnumerable<string>? expectedSysctls = null, IReadOnlyList<Resources.Resource>? resources = null)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        var parser = new Reader(nodeName);
        if (lines.Count == 0 || lines[0] != FactScript.Header)
        {
            throw parser.Error($"output does not start with '{FactScript.Header}' (got: {Preview(stdout)})");
        }
        if (lines[^1] != FactScript.Trailer)
        {
            throw parser.Error($"output is truncated: it does not end with '{FactScript.Trailer}'");
        }
        for (var i = 1; i < lines.Count - 1; i++) parser.Read(i + 1, lines[i]);
        return parser.Build(expectedSysctls, resources ?? []);
    }

    /// <summary>Runtime sysctl values as /proc prints them, with tabs and runs of spaces reduced to one space.</summary>
    public static string NormalizeSysctlValue(string value) => Whitespace().Replace(value, " ").Trim();

    /// <summary>Release-artifact spelling of a <c>uname -m</c> machine name; unknown names are kept as they are.</summary>
    public static string MapArchitecture(string machine) => machine.Trim() switch
    {
        "x86_64" or "amd64" => "amd64",
        "aarch64" or "arm64" or "armv8l" => "arm64",
        "s390x" => "s390x",
        var other => other,
    };

    /// <summary>The version in <c>rke2 version v1.32.5+rke2r1 (commit)</c>: the third field of the first line.</summary>
    public static string? VersionFromOutput(string versionOutput)
    {
        var firstLine = versionOutput.Split('\n')[0];
        var fields = firstLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 3 ? fields[2] : null;
    }

    /// <summary>Values of an os-release file; quotes and shell escapes removed.</summary>
    public static IReadOnlyDictionary<string, string> ParseOsRelease(string content)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in content.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) continue;
            values[line[..equals]] = Unquote(line[(equals + 1)..]);
        }
        return values;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') return value[1..^1];
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return value;
        var unquoted = new StringBuilder();
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1) i++;
            unquoted.Append(value[i]);
        }
        return unquoted.ToString();
    }

    /// <summary>A base64 field as UTF-8 text; <paramref name="error"/> builds the exception for a field that is not base64.</summary>
    public static string DecodeField(string base64, Func<string, Exception> error)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw error($"'{Truncate(base64)}' is not valid base64");
        }
    }

    internal static string Truncate(string text) => text.Length > 40 ? text[..40] + "..." : text;

    private static string Preview(string text)
    {
        var firstLine = text.Split('\n')[0];
        return firstLine.Length == 0 ? "nothing" : $"'{(firstLine.Length > 80 ? firstLine[..80] + "..." : firstLine)}'";
    }

    /// <summary>Accumulates records; one instance per parse.</summary>
    private sealed class Reader(string nodeName)
    {
        private readonly Dictionary<string, string?> _sysctls = new(StringComparer.Ordinal);
        private readonly List<ConfigDropIn> _dropIns = [];
        private readonly Dictionary<string, ServiceFacts> _units = new(StringComparer.Ordinal);
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly Dictionary<int, List<string[]>> _resourceRecords = [];
        private string? _managedSysctlFile;
        private string? _configYaml;
        private PendingWork _pending;
        private string? _installedVersion;
        private string? _osRelease;
        private string? _arch;
        private string? _hostname;
        private IReadOnlyList<string>? _clusterNodes;
        private IReadOnlyDictionary<string, string>? _encryptionHashes;
        private string? _secretsEncryptStatus;
        private CrashLoop? _crash;
        private HeldLock? _lock;
        private int _lineNumber;

        public FactParseException Error(string problem) =>
            new(nodeName, _lineNumber > 0 ? $"line {_lineNumber}: {problem}" : problem);

        public void Read(int lineNumber, string line)
        {
            _lineNumber = lineNumber;
            var fields = line.Split(' ');
            var tag = fields[0];
            switch (tag)
            {
                case "sysctl":
                    var key = Text(Field(fields, 1));
                    _sysctls[key] = (Field(fields, 2), fields.Length) switch
                    {
                        ("value", 4) => NormalizeSysctlValue(Text(fields[3])),
                        ("missing", 3) => null,
                        _ => throw Error($"malformed sysctl record for '{Truncate(key)}'"),
                    };
                    return;
                case "dropin":
                    ExactFields(fields, 3);
                    var fileName = Text(fields[1]);
                    if (!ConfigDropIn.IsPlainFileName(fileName)) throw Error($"drop-in name '{Truncate(fileName)}' is not a plain file name");
                    _dropIns.Add(new ConfigDropIn(fileName, Text(fields[2])));
                    return;
                case "res":
                    if (!int.TryParse(Field(fields, 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                    {
                        throw Error($"resource record index '{Truncate(fields[1])}' is not a number");
                    }
                    if (!_resourceRecords.TryGetValue(index, out var records)) _resourceRecords[index] = records = [];
                    records.Add(fields[2..]);
                    return;
                case "unit":
                    ExactFields(fields, 5);
                    var installed = fields[2] switch
                    {
                        "1" => true,
                        "0" => false,
                        _ => throw Error($"unit installed flag '{fields[2]}' is neither 0 nor 1"),
                    };
                    _units[fields[1]] = Service(fields[1], installed, Text(fields[3]), Text(fields[4]));
                    return;
            }

            Once(tag);
            switch (tag)
            {
                case "managed-sysctl": _managedSysctlFile = OptionalText(fields); break;
                case "config": _configYaml = OptionalText(fields); break;
                case "pending": _pending = PendingFrom(OptionalText(fields)); break;
                case "os-release": _osRelease = OptionalText(fields); break;
                case "rke2-version":
                    _installedVersion = OptionalText(fields) is { } output ? VersionFromOutput(output) : null;
                    break;
                case "arch": _arch = Text(ExactFields(fields, 2)[1]); break;
                case "hostname": _hostname = Text(ExactFields(fields, 2)[1]); break;
                case "lock":
                    ExactFields(fields, 3);
                    if (!long.TryParse(fields[1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var ageSeconds))
                    {
                        throw Error($"lock age '{Truncate(fields[1])}' is not a number");
                    }
                    _lock = new HeldLock(Text(fields[2]), TimeSpan.FromSeconds(Math.Max(0, ageSeconds)));
                    break;
                case "cluster-nodes":
                    (_clusterNodes, _encryptionHashes) = KeyRotation.EncryptionStatusProbe.NodeHashes(Text(ExactFields(fields, 2)[1]));
                    break;
                case "secrets-encrypt": _secretsEncryptStatus = Text(ExactFields(fields, 2)[1]); break;
                case "crash":
                    ExactFields(fields, 4);
                    _crash = new CrashLoop(Text(fields[1]), int.TryParse(fields[2], System.Globalization.CultureInfo.InvariantCulture, out var restarts) ? restarts : 0, Text(fields[3]));
                    break;
                default: throw Error($"unknown record '{Truncate(tag)}'");
            }
        }

        private PendingWork PendingFrom(string? marker) => marker?.Trim() switch
        {
            null => PendingWork.None,
            "restart" => PendingWork.Restart,
            "verify" => PendingWork.Verify,
            var other => throw Error($"{Model.Rke2Paths.PendingWorkMarker} holds '{Truncate(other)}', expected restart or verify"),
        };

        public HostFacts Build(IEnumerable<string>? expectedSysctls, IReadOnlyList<Resources.Resource> resources)
        {
            _lineNumber = 0;
            string[] required = ["managed-sysctl", "config", "pending", "rke2-version", "os-release", "arch", "hostname"];
            var absent = required.Where(tag => !_seen.Contains(tag))
                .Concat(FactScript.Units.Where(unit => !_units.ContainsKey(unit)).Select(unit => $"unit {unit}"))
                .Concat((expectedSysctls ?? []).Where(key => !_sysctls.ContainsKey(key)).Select(key => $"sysctl {key}"))
                .ToList();
            if (absent.Count > 0) throw Error($"output lacks records: {string.Join(", ", absent)}");

            var unknown = _resourceRecords.Keys.Where(index => index < 0 || index >= resources.Count).ToList();
            if (unknown.Count > 0) throw Error($"records for resource {unknown[0]}, but only {resources.Count} were asked about");
            var states = new Dictionary<string, object>(StringComparer.Ordinal);
            for (var i = 0; i < resources.Count; i++)
            {
                try
                {
                    states[resources[i].Key] = resources[i].ParseFacts(
                        new Resources.ResourceRecords(resources[i].Key, _resourceRecords.GetValueOrDefault(i) ?? []));
                }
                catch (Resources.ResourceRecordException error)
                {
                    throw Error(error.Message);
                }
            }

            var osRelease = _osRelease is null ? new Dictionary<string, string>() : ParseOsRelease(_osRelease);
            return new HostFacts
            {
                Node = nodeName,
                Sysctls = _sysctls,
                ManagedSysctlFile = _managedSysctlFile,
                ConfigYaml = _configYaml,
                Pending = _pending,
                ConfigDropIns = [.. _dropIns.OrderBy(d => Encoding.UTF8.GetBytes(d.FileName), ByteOrder.Instance)],
                InstalledVersion = _installedVersion,
                ServerService = _units["rke2-server"],
                AgentService = _units["rke2-agent"],
                OsId = osRelease.GetValueOrDefault("ID", "unknown"),
                OsVersion = osRelease.GetValueOrDefault("VERSION_ID", ""),
                Arch = MapArchitecture(_arch!),
                Hostname = _hostname!.Trim(),
                ClusterNodes = _clusterNodes,
                EncryptionHashes = _encryptionHashes,
                SecretsEncryptStatus = _secretsEncryptStatus,
                Crash = _crash,
                Lock = _lock,
                Resources = states,
            };
        }

        private static ServiceFacts Service(string unit, bool installed, string enabled, string active)
        {
            var activeState = active.Trim();
            return new ServiceFacts(
                unit, installed, enabled.Trim() is "enabled" or "enabled-runtime",
                activeState.Length == 0 ? "unknown" : activeState);
        }

        private void Once(string tag)
        {
            if (!_seen.Add(tag)) throw Error($"record '{Truncate(tag)}' appears twice");
        }

        // "TAG present BASE64" or "TAG missing".
        private string? OptionalText(string[] fields) => (Field(fields, 1), fields.Length) switch
        {
            ("present", 3) => Text(fields[2]),
            ("missing", 2) => null,
            _ => throw Error($"malformed '{Truncate(fields[0])}' record"),
        };

        private string[] ExactFields(string[] fields, int count) =>
            fields.Length == count
                ? fields
                : throw Error($"'{Truncate(fields[0])}' record has {fields.Length - 1} fields, expected {count - 1}");

        private string Field(string[] fields, int index) =>
            index < fields.Length ? fields[index] : throw Error($"'{Truncate(fields[0])}' record is incomplete");

        private string Text(string base64) => DecodeField(base64, Error);

        private static string Truncate(string text) => FactParser.Truncate(text);
    }
}

/// <summary>Byte-wise order of UTF-8 names, as Go's os.ReadDir sorts the drop-in directory.</summary>
internal sealed class ByteOrder : IComparer<byte[]>
{
    public static readonly ByteOrder Instance = new();

    public int Compare(byte[]? x, byte[]? y) => ((ReadOnlySpan<byte>)x).SequenceCompareTo(y);
}

/// <summary>Fact output from a node could not be understood; names the node and what was wrong.</summary>
public sealed class FactParseException(string node, string problem)
    : Exception($"{node}: cannot read gathered facts: {problem}")
{
    public string Node { get; } = node;
}

using System.Text;
using System.Text.RegularExpressions;
using Rke2Converge.Resources.BuiltIn;

namespace Rke2Converge.Facts;

/// <summary>Turns the output of <see cref="FactScript"/> back into <see cref="HostFacts"/>.</summary>
internal static partial class FactParser
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

    /// <summary>
    /// Accumulates records; one instance per parse. Each built-in resource's records go to it (<see cref="BuiltInResource.Read"/>);
    /// the host's identity, its lock, the cluster probe and declared resources' records are read here.
    /// </summary>
    private sealed class Reader(string nodeName)
    {
        private static readonly Dictionary<string, (BuiltInResource Owner, FactTag Tag)> Owners =
            BuiltInResources.All.SelectMany(resource => resource.Records.Select(tag => (tag.Name, (resource, tag))))
                .ToDictionary(pair => pair.Name, pair => pair.Item2, StringComparer.Ordinal);

        private readonly Dictionary<BuiltInResource, List<FactRecord>> _builtInRecords = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly Dictionary<int, List<string[]>> _resourceRecords = [];
        private string? _osRelease;
        private string? _arch;
        private string? _hostname;
        private IReadOnlyList<string>? _clusterNodes;
        private IReadOnlyDictionary<string, string>? _encryptionHashes;
        private string? _secretsEncryptStatus;
        private HeldLock? _lock;
        private string? _clusterCa;
        private readonly List<CertificateExpiry> _certificates = [];
        private int _lineNumber;

        private static readonly string[] HostTags = ["os-release", "arch", "hostname"];

        public FactParseException Error(string problem) =>
            new(nodeName, _lineNumber > 0 ? $"line {_lineNumber}: {problem}" : problem);

        public void Read(int lineNumber, string line)
        {
            _lineNumber = lineNumber;
            var fields = line.Split(' ');
            var record = new FactRecord(nodeName, lineNumber, fields);
            var tag = fields[0];
            if (Owners.TryGetValue(tag, out var owner))
            {
                if (owner.Tag.Occurs != FactOccurrence.Many) Once(tag);
                if (!_builtInRecords.TryGetValue(owner.Owner, out var records)) _builtInRecords[owner.Owner] = records = [];
                records.Add(record);
                return;
            }
            if (tag == "res")
            {
                if (!int.TryParse(record.Raw(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    throw Error($"resource record index '{Truncate(fields[1])}' is not a number");
                }
                if (!_resourceRecords.TryGetValue(index, out var records)) _resourceRecords[index] = records = [];
                records.Add(fields[2..]);
                return;
            }

            if (tag == "cert-expiry")
            {
                record.Expect(2);
                if (!long.TryParse(fields[1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var secondsLeft))
                {
                    throw Error($"certificate expiry '{Truncate(fields[1])}' is not a number");
                }
                _certificates.Add(new CertificateExpiry(record.Text(2), TimeSpan.FromSeconds(secondsLeft)));
                return;
            }

            Once(tag);
            switch (tag)
            {
                case "os-release": _osRelease = record.Optional(); break;
                case "arch": _arch = record.Expect(1).Text(1); break;
                case "hostname": _hostname = record.Expect(1).Text(1); break;
                case "lock":
                    record.Expect(2);
                    if (!long.TryParse(fields[1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var ageSeconds))
                    {
                        throw Error($"lock age '{Truncate(fields[1])}' is not a number");
                    }
                    _lock = new HeldLock(record.Text(2), TimeSpan.FromSeconds(Math.Max(0, ageSeconds)));
                    break;
                case "cluster-nodes":
                    (_clusterNodes, _encryptionHashes) = KeyRotation.EncryptionStatusProbe.NodeHashes(record.Expect(1).Text(1));
                    break;
                case "secrets-encrypt": _secretsEncryptStatus = record.Expect(1).Text(1); break;
                case "cluster-ca":
                    record.Expect(1);
                    if (fields[1].Length != 64 || !fields[1].All(Uri.IsHexDigit)) throw Error($"cluster CA hash '{Truncate(fields[1])}' is not a SHA-256");
                    _clusterCa = fields[1].ToLowerInvariant();
                    break;
                default: throw Error($"unknown record '{Truncate(tag)}'");
            }
        }

        public HostFacts Build(IEnumerable<string>? expectedSysctls, IReadOnlyList<Resources.Resource> resources)
        {
            _lineNumber = 0;
            var request = new ExpectedFacts([.. expectedSysctls ?? []]);
            var absent = BuiltInResources.All
                .SelectMany(resource => resource.Records.Where(tag => tag.Occurs == FactOccurrence.Once && !_seen.Contains(tag.Name)).Select(tag => tag.Name)
                    .Concat(resource.Lacking(RecordsOf(resource), request)))
                .Concat(HostTags.Where(tag => !_seen.Contains(tag)))
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
            var facts = new HostFacts
            {
                Node = nodeName,
                Sysctls = new Dictionary<string, string?>(),
                ServerService = ServiceFacts.Missing("rke2-server"),
                AgentService = ServiceFacts.Missing("rke2-agent"),
                OsId = osRelease.GetValueOrDefault("ID", "unknown"),
                OsVersion = osRelease.GetValueOrDefault("VERSION_ID", ""),
                Arch = MapArchitecture(_arch!),
                Hostname = _hostname!.Trim(),
                ClusterNodes = _clusterNodes,
                EncryptionHashes = _encryptionHashes,
                SecretsEncryptStatus = _secretsEncryptStatus,
                Lock = _lock,
                Certificates = _certificates,
                ClusterCaSha256 = _clusterCa,
                Resources = states,
            };
            return BuiltInResources.All.Aggregate(facts, (built, resource) => resource.Read(built, RecordsOf(resource)));
        }

        private IReadOnlyList<FactRecord> RecordsOf(BuiltInResource resource) => _builtInRecords.GetValueOrDefault(resource) ?? [];

        private void Once(string tag)
        {
            if (!_seen.Add(tag)) throw Error($"record '{Truncate(tag)}' appears twice");
        }

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
internal sealed class FactParseException(string node, string problem)
    : Exception($"{node}: cannot read gathered facts: {problem}")
{
    public string Node { get; } = node;
}

using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Rke2Converge.Playbooks;

/// <summary>
/// The files a playbook is made of (the main file, then every <c>#load</c>ed file depth first, each once) and the
/// cache key they yield. Found by scanning directives, without the compiler, so a cache hit needs no Roslyn at all.
/// </summary>
internal sealed partial class PlaybookSources
{
    [GeneratedRegex("""^\s*#load\s+"(?<path>[^"]*)"\s*$""", RegexOptions.CultureInvariant)]
    private static partial Regex LoadDirective();

    [GeneratedRegex("""^\s*#r\s+"(?<path>[^"]*)"\s*$""", RegexOptions.CultureInvariant)]
    private static partial Regex ReferenceDirective();

    private PlaybookSources(IReadOnlyList<string> files, IReadOnlyList<string> missing, string cacheKey)
    {
        Files = files;
        Missing = missing;
        CacheKey = cacheKey;
    }

    /// <summary>Full paths of every existing source file, main playbook first.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Full paths <c>#load</c> names that do not exist (the compiler reports them).</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Lowercase hex SHA-256 over every source (path and content), the engine build and the runtime.</summary>
    public string CacheKey { get; }

    public static async Task<PlaybookSources> ReadAsync(string mainFile, CancellationToken ct)
    {
        var files = new List<string>();
        var missing = new List<string>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await VisitAsync(Path.GetFullPath(mainFile), files, missing, hash, ct);
        foreach (var part in EngineIdentity())
        {
            hash.AppendData(Encoding.UTF8.GetBytes(part + "\0"));
        }
        return new PlaybookSources(files, missing, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task VisitAsync(string file, List<string> files, List<string> missing, IncrementalHash hash, CancellationToken ct)
    {
        if (files.Contains(file, StringComparer.Ordinal) || missing.Contains(file, StringComparer.Ordinal)) return;
        if (!File.Exists(file))
        {
            missing.Add(file);
            hash.AppendData(Encoding.UTF8.GetBytes($"missing\0{file}\0"));
            return;
        }
        files.Add(file);
        var content = await File.ReadAllBytesAsync(file, ct);
        // The path is part of the key because the compiled code embeds it (caller-info, #load resolution).
        hash.AppendData(Encoding.UTF8.GetBytes($"file\0{file}\0{content.Length}\0"));
        hash.AppendData(content);
        var directory = Path.GetDirectoryName(file) ?? "/";
        foreach (var line in Encoding.UTF8.GetString(content).Split('\n'))
        {
            var reference = ReferenceDirective().Match(line.TrimEnd('\r'));
            if (reference.Success) await HashReferenceAsync(Path.GetFullPath(reference.Groups["path"].Value, directory), hash, ct);
            var match = LoadDirective().Match(line.TrimEnd('\r'));
            if (!match.Success) continue;
            await VisitAsync(Path.GetFullPath(match.Groups["path"].Value, directory), files, missing, hash, ct);
        }
    }

    // A #r'd assembly is compiled against: a new build of it must compile the playbook again. The engine's own #r line
    // resolves to the running engine, which EngineIdentity covers.
    private static async Task HashReferenceAsync(string file, IncrementalHash hash, CancellationToken ct)
    {
        if (string.Equals(Path.GetFileName(file), PlaybookReferences.EngineFileName, StringComparison.OrdinalIgnoreCase)) return;
        hash.AppendData(Encoding.UTF8.GetBytes($"reference\0{file}\0"));
        if (File.Exists(file)) hash.AppendData(SHA256.HashData(await File.ReadAllBytesAsync(file, ct)));
    }

    private static IEnumerable<string> EngineIdentity()
    {
        var engine = typeof(PlaybookGlobals).Assembly;
        yield return engine.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        // Distinguishes engine builds that share a version number, e.g. during development.
        yield return engine.ManifestModule.ModuleVersionId.ToString();
        yield return RuntimeInformation.FrameworkDescription;
    }
}

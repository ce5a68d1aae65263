using System.Diagnostics;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>
/// Compiles (or takes from the cache) and runs a .csx playbook, yielding the declared <see cref="ClusterModel"/>
/// or diagnostics that point at the offending file and line.
/// </summary>
internal sealed class PlaybookLoader(PlaybookLoaderOptions? options = null)
{
    private readonly PlaybookCache _cache = new((options ?? new PlaybookLoaderOptions()).CacheDirectory);
    private readonly TimeSpan _evaluationTimeout = (options ?? new PlaybookLoaderOptions()).EvaluationTimeout;

    public async Task<PlaybookLoadResult> LoadAsync(string playbookPath, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(playbookPath);
        var mainFile = Path.GetFullPath(playbookPath);
        var displayPath = DisplayPaths(playbookPath, mainFile);
        if (!File.Exists(mainFile))
        {
            return Failed(new PlaybookDiagnostic(playbookPath, null, null, null, "playbook file not found"));
        }

        var sources = await PlaybookSources.ReadAsync(mainFile, ct);
        var compiled = await _cache.TryReadAsync(sources.CacheKey, ct);
        var cacheHit = compiled is not null;
        if (compiled is null)
        {
            var code = await File.ReadAllTextAsync(mainFile, ct);
            var (fresh, errors) = PlaybookCompiler.Compile(mainFile, code, displayPath, ct);
            if (fresh is null) return errors.Count > 0 ? Failed([.. errors]) : Failed(Empty(displayPath(mainFile)));
            await _cache.TryWriteAsync(sources.CacheKey, fresh, ct);
            compiled = fresh;
        }

        var globals = new PlaybookGlobals(mainFile, displayPath);
        ClusterModel model;
        try
        {
            await PlaybookRunner.RunAsync(compiled, sources.CacheKey, globals, _evaluationTimeout, ct);
            // Declarations that only make sense together (Artifacts.Images and its source) are checked once all ran.
            model = globals.ToModel();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(RuntimeDiagnostic(e, sources, displayPath)) with { CacheHit = cacheHit };
        }
        if (DeclaresNothing(model)) return Failed(Empty(displayPath(mainFile))) with { CacheHit = cacheHit };
        return new PlaybookLoadResult
        {
            Model = model,
            CacheHit = cacheHit,
            CompiledAssemblyPath = _cache.AssemblyPath(sources.CacheKey),
        };
    }

    /// <summary>
    /// Paths as users see them: relative to the current directory when the file is inside it, else the main
    /// playbook as the user named it and other files in full.
    /// </summary>
    internal static Func<string, string> DisplayPaths(string givenPath, string mainFile)
    {
        var currentDirectory = Directory.GetCurrentDirectory();
        return path =>
        {
            var full = Path.GetFullPath(path);
            var relative = Path.GetRelativePath(currentDirectory, full);
            var inside = !Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith("../", StringComparison.Ordinal);
            if (inside) return relative;
            return full == mainFile ? givenPath : full;
        };
    }

    private static PlaybookDiagnostic RuntimeDiagnostic(Exception e, PlaybookSources sources, Func<string, string> displayPath)
    {
        var message = e is PlaybookException or ArgumentException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        var at = (e as PlaybookException)?.At ?? LocationFromStack(e, sources, displayPath);
        return at is null
            ? new PlaybookDiagnostic(displayPath(sources.Files[0]), null, null, null, message)
            : new PlaybookDiagnostic(at.File, at.Line, null, null, message);
    }

    // The innermost frame that lies in one of the playbook's own files is the line that made the bad call.
    private static SourceLocation? LocationFromStack(Exception e, PlaybookSources sources, Func<string, string> displayPath)
    {
        foreach (var frame in new StackTrace(e, fNeedFileInfo: true).GetFrames())
        {
            var file = frame.GetFileName();
            if (string.IsNullOrEmpty(file) || frame.GetFileLineNumber() <= 0) continue;
            if (!sources.Files.Contains(Path.GetFullPath(file), StringComparer.Ordinal)) continue;
            return new SourceLocation(displayPath(file), frame.GetFileLineNumber());
        }
        return null;
    }

    private static bool DeclaresNothing(ClusterModel model) =>
        model.Name.Length == 0 && model.VersionText is null && model.Token is null && model.Nodes.Count == 0
        && model.Config.Count == 0 && model.Sysctls.Count == 0 && model.RoleConfig.Values.All(c => c.Count == 0);

    private static PlaybookDiagnostic Empty(string file) => new(
        file, null, null, null,
        "the playbook declares nothing (is it empty?): declare Cluster(\"name\").Version(...).Token(...) and at least one node");

    private static PlaybookLoadResult Failed(params PlaybookDiagnostic[] diagnostics) => new() { Diagnostics = diagnostics };
}

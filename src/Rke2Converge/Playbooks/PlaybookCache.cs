using System.Text.Json;

namespace Rke2Converge.Playbooks;

/// <summary>
/// Compiled playbooks on disk: <c>KEY.dll</c>, <c>KEY.pdb</c> and <c>KEY.json</c> (the entry point), each written
/// to a temporary file and renamed so that a reader never sees half a file. The dll is written last: its presence
/// means the entry is complete.
/// </summary>
internal sealed class PlaybookCache(string directory)
{
    public string AssemblyPath(string key) => Path.Join(directory, key + ".dll");

    private string SymbolsPath(string key) => Path.Join(directory, key + ".pdb");

    private string EntryPointPath(string key) => Path.Join(directory, key + ".json");

    public async Task<CompiledPlaybook?> TryReadAsync(string key, CancellationToken ct)
    {
        try
        {
            if (!File.Exists(AssemblyPath(key)) || !File.Exists(EntryPointPath(key))) return null;
            var entry = JsonSerializer.Deserialize<PlaybookEntryPoint>(await File.ReadAllBytesAsync(EntryPointPath(key), ct));
            if (entry is null || string.IsNullOrEmpty(entry.TypeName) || string.IsNullOrEmpty(entry.MethodName)) return null;
            var symbols = File.Exists(SymbolsPath(key)) ? await File.ReadAllBytesAsync(SymbolsPath(key), ct) : [];
            return new CompiledPlaybook(await File.ReadAllBytesAsync(AssemblyPath(key), ct), symbols, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // A damaged entry is only a miss: it gets compiled and written again.
        }
    }

    /// <summary>Stores a compiled playbook; failing to write the cache never fails the load.</summary>
    public async Task<bool> TryWriteAsync(string key, CompiledPlaybook compiled, CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(directory);
            await LocalFiles.AtomicFile.WriteAsync(SymbolsPath(key), compiled.Symbols, ct);
            await LocalFiles.AtomicFile.WriteAsync(EntryPointPath(key), JsonSerializer.SerializeToUtf8Bytes(compiled.EntryPoint), ct);
            await LocalFiles.AtomicFile.WriteAsync(AssemblyPath(key), compiled.Assembly, ct);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

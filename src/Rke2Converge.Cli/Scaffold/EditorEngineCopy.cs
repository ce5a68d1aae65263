using Rke2Converge.Playbooks;

namespace Rke2Converge.Cli.Scaffold;

/// <summary>
/// The copy of the engine assembly a playbook's <c>#r ".rke2c/Rke2Converge.dll"</c> line names, so an editor knows
/// the playbook language. It belongs to rke2c, not to the user: each <c>rke2c init</c> replaces it with the running
/// version's. rke2c itself never reads it (it resolves that line to its own engine).
/// </summary>
internal static class EditorEngineCopy
{
    public static readonly string RelativePath = Path.Combine(".rke2c", "Rke2Converge.dll");

    /// <summary>Writes (or replaces) the copy under <paramref name="directory"/>; returns its path relative to it.</summary>
    public static string WriteTo(string directory)
    {
        var target = Path.Combine(directory, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + $".{Environment.ProcessId}.tmp";
        File.Copy(typeof(PlaybookGlobals).Assembly.Location, temporary, overwrite: true);
        File.Move(temporary, target, overwrite: true);
        return RelativePath;
    }
}

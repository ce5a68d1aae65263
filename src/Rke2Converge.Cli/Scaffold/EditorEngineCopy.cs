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

    /// <summary>Writes (or replaces) the copy and its XML documentation under <paramref name="directory"/>; returns the copy's path relative to it.</summary>
    public static string WriteTo(string directory)
    {
        var target = Path.Combine(directory, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var engine = typeof(PlaybookGlobals).Assembly.Location;
        Replace(engine, target);
        // The XML documentation beside the copy is what an editor shows on hover (the engine builds it, and the build
        // and dotnet pack put it beside Rke2Converge.dll).
        var documentation = Path.ChangeExtension(engine, ".xml");
        if (File.Exists(documentation)) Replace(documentation, Path.ChangeExtension(target, ".xml"));
        return RelativePath;
    }

    private static void Replace(string source, string target)
    {
        var temporary = target + $".{Environment.ProcessId}.tmp";
        File.Copy(source, temporary, overwrite: true);
        File.Move(temporary, target, overwrite: true);
    }
}

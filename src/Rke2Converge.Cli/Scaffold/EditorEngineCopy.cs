namespace Rke2Converge.Cli.Scaffold;

/// <summary>
/// The copy of the engine assembly a playbook's <c>#r ".rke2c/Rke2Converge.dll"</c> line names, so an editor knows
/// the playbook language. It belongs to rke2c, not to the user: each <c>rke2c init</c> replaces it with the running
/// version's. rke2c itself never reads it (it resolves that line to its own engine).
/// </summary>
internal static class EditorEngineCopy
{
    public static readonly string RelativePath = Path.Combine(".rke2c", "Rke2Converge.dll");

    // The engine assembly and its XML documentation, embedded at build time (see the csproj): a single-file rke2c
    // has no engine file to copy. The documentation is what an editor shows on hover.
    private const string EngineResource = "Rke2Converge.Cli.Rke2Converge.dll";
    private const string DocumentationResource = "Rke2Converge.Cli.Rke2Converge.xml";

    /// <summary>Writes (or replaces) the copy and its XML documentation under <paramref name="directory"/>; returns the copy's path relative to it.</summary>
    public static string WriteTo(string directory)
    {
        var target = Path.Combine(directory, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        WriteResource(EngineResource, target);
        WriteResource(DocumentationResource, Path.ChangeExtension(target, ".xml"));
        return RelativePath;
    }

    private static void WriteResource(string name, string target)
    {
        using var resource = typeof(EditorEngineCopy).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"rke2c was built without its {name} resource");
        using var content = new MemoryStream();
        resource.CopyTo(content);
        LocalFiles.AtomicFile.Write(target, content.GetBuffer().AsSpan(0, (int)content.Length));
    }
}

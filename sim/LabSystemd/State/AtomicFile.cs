namespace LabSystemd.State;

public static class AtomicFile
{
    /// <summary>Writes via a temporary file and rename, so readers never see half a file.</summary>
    public static void Write(string path, string content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}

namespace Rke2Converge.LocalFiles;

/// <summary>
/// Writes a file on the operator's machine through a uniquely named temporary file beside it and a rename, so a
/// reader sees the old content or the new, never a part, and two writers never share a temporary file.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; a new file gets <paramref name="mode"/> (Unix) if given.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        var temporary = TemporaryBeside(path);
        try
        {
            using (var stream = Create(temporary, mode)) stream.Write(content);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark).</summary>
    public static void WriteText(string path, string text, UnixFileMode? mode = null) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(text), mode);

    /// <summary>The asynchronous <see cref="Write"/>.</summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        var temporary = TemporaryBeside(path);
        try
        {
            await using (var stream = Create(temporary, null)) await stream.WriteAsync(content, ct).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>
    /// Copies an existing <paramref name="path"/> to <c>PATH.bak</c> (replacing an older backup, keeping the file's
    /// own mode) before it is overwritten; returns the backup's path, or null when there was nothing to keep.
    /// </summary>
    public static string? BackUp(string path)
    {
        if (!File.Exists(path)) return null;
        var backup = path + ".bak";
        File.Copy(path, backup, overwrite: true);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(backup, File.GetUnixFileMode(path));
        return backup;
    }

    private static string TemporaryBeside(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    private static FileStream Create(string temporary, UnixFileMode? mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (mode is { } unixMode && !OperatingSystem.IsWindows()) options.UnixCreateMode = unixMode;
        return new FileStream(temporary, options);
    }
}

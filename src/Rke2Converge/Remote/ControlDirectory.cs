using System.Diagnostics;
using System.Globalization;

namespace Rke2Converge.Remote;

/// <summary>
/// The directory that holds ssh's multiplexing master sockets. Whoever can create or enter it can sit in the middle of
/// every connection rke2c makes, so it is created 0700 and an existing one is used only when it is a real directory
/// (not a link), owned by the account rke2c runs as and writable by no one else; one that others may only read or
/// enter (an earlier rke2c made it 0755) is closed to 0700 first, since no one else could have put anything in it.
/// Under the default
/// <c>/tmp/rke2c-&lt;uid&gt;</c> the parent is checked the same way: on a shared machine another user could create it first.
/// </summary>
internal static class ControlDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="directory"/> (and the default root above it) or checks them; null when they are safe, else why not.</summary>
    public static string? Prepare(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return null;
        }
        var full = Path.GetFullPath(directory);
        var uid = OpenSshOptions.CurrentUid();
        var root = OpenSshOptions.ControlRoot(uid);
        var owned = full.StartsWith(root + "/", StringComparison.Ordinal) ? new[] { root, full } : [full];
        foreach (var path in owned)
        {
            if (PrepareOne(path, uid) is { } problem)
            {
                return $"ssh control directory {path} {problem}; nothing was run. Remove it (or use a directory only you own) and run again";
            }
        }
        return null;
    }

    /// <summary>Like <see cref="Prepare"/>, throwing when the directory is not safe.</summary>
    /// <exception cref="UnsafeControlDirectoryException">The directory is a link, someone else's or open to others.</exception>
    public static void Ensure(string directory)
    {
        if (Prepare(directory) is { } problem) throw new UnsafeControlDirectoryException(problem);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string? PrepareOne(string path, string uid)
    {
        if (!Directory.Exists(path) && !File.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }
        var (owner, mode, kind) = Stat(path);
        if (kind != "directory") return $"is a {kind}, not a directory";
        if (owner != uid) return $"is owned by uid {owner}, not by you (uid {uid}): its owner could intercept every ssh connection";
        if ((mode & WritableByOthers) != 0) return $"has mode {Convert.ToString((int)mode, 8)}, open to other users (rke2c needs 0700)";
        if ((mode & GroupOrOther) != 0) File.SetUnixFileMode(path, OwnerOnly);
        return null;
    }

    /// <summary>Owner uid, mode and file type of the path itself (a link is not followed); stat(1), as .NET has no call for the owner.</summary>
    private static (string Owner, UnixFileMode Mode, string Kind) Stat(string path)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "%u %a %F", "--", path }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new UnsafeControlDirectoryException($"cannot run stat on {path}");
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000) || process.ExitCode != 0) throw new UnsafeControlDirectoryException($"cannot stat ssh control directory {path}; nothing was run");
        var fields = output.Trim().Split(' ', 3);
        return (fields[0], (UnixFileMode)Convert.ToInt32(fields[1], 8), fields.Length > 2 ? fields[2] : "");
    }
}

/// <summary>The ssh control directory cannot be trusted; no connection was made.</summary>
internal sealed class UnsafeControlDirectoryException(string message) : RemoteException(message);

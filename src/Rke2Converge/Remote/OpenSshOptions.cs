using Rke2Converge.Model;

namespace Rke2Converge.Remote;

/// <summary>How rke2c drives the system OpenSSH client; the defaults suit normal runs.</summary>
internal sealed record OpenSshOptions
{
    /// <summary>The ssh client to run; found on PATH unless a path is given.</summary>
    public string SshExecutable { get; init; } = "ssh";

    /// <summary>
    /// Where multiplexing master sockets live. Unix socket paths are limited to about 104 bytes, so this must stay
    /// short; the socket name itself (24 hex digits, see <see cref="SshCommandLine"/>) adds 25 and ssh a temporary
    /// suffix of 17 more while binding.
    /// </summary>
    public string ControlDirectory { get; init; } = DefaultControlDirectory();

    /// <summary>
    /// How long an idle master connection stays up, so the next run reuses it: five minutes covers a plan read
    /// before its apply and a drift check every few minutes; a master whose host went away exits with its connection.
    /// </summary>
    public TimeSpan ControlPersist { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ServerAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Extra time beyond a command's own timeout before the local ssh process is killed; the remote
    /// <c>timeout</c> should have ended the command by then.
    /// </summary>
    public TimeSpan LocalGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>/tmp/rke2c-&lt;uid&gt;/cm-&lt;network namespace inode&gt;</c>. A master's socket is a file anyone with the same
    /// uid can reach, but its connection was made from one network namespace: runs in another namespace (test labs with
    /// the same addresses in private ones) must not be carried to that namespace's hosts.
    /// </summary>
    public static string DefaultControlDirectory() => $"{ControlRoot(CurrentUid())}/cm{NetworkNamespaceSuffix()}";

    /// <summary><c>/tmp/rke2c-&lt;uid&gt;</c>, the parent of the default control directories (see <see cref="Remote.ControlDirectory"/>).</summary>
    public static string ControlRoot(string uid) => $"/tmp/rke2c-{uid}";

    private static string NetworkNamespaceSuffix()
    {
        // The link reads "net:[4026531840]"; without it (not Linux, no /proc) every run shares one directory as before.
        var target = new FileInfo("/proc/self/ns/net").LinkTarget;
        var digits = target is null ? "" : new string([.. target.Where(char.IsAsciiDigit)]);
        return digits.Length == 0 ? "" : "-" + digits;
    }

    /// <summary>The real uid this process runs as.</summary>
    public static string CurrentUid()
    {
        // "Uid:\t<real>\t<effective>\t<saved>\t<fs>"; reading it avoids native interop for a single number.
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 1) return fields[1];
        }
        throw new InvalidOperationException("cannot read the current uid from /proc/self/status");
    }
}

/// <summary>One node as the ssh client sees it: settings already merged with the playbook's defaults.</summary>
internal sealed record SshTarget(string NodeName, string Address, SshSettings Ssh, string? KnownHostsFile);

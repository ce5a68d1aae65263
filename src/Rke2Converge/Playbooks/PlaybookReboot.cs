using System.Runtime.CompilerServices;
using Rke2Converge.Resources;

namespace Rke2Converge.Playbooks;

/// <summary>Reboots the playbook asks for: <c>Reboot.When("/var/run/reboot-required")</c>, at any scope.</summary>
public sealed class PlaybookReboot
{
    private readonly Func<RebootWhenResource, string, int, RebootWhenResource> _declare;

    internal PlaybookReboot(Func<RebootWhenResource, string, int, RebootWhenResource> declare) => _declare = declare;

    /// <summary>
    /// Reboot a node when <paramref name="path"/> exists on it (for a patch run: the file a package update leaves when it
    /// needs a reboot). The node reboots in its turn, one server at a time and agents in batches, cordoned and drained
    /// per its <c>Upgrade</c> policy, and passes every readiness gate of the new boot before the next one; nodes without
    /// the file are left running.
    /// </summary>
    /// <example>
    /// <code>
    /// Reboot.When("/var/run/reboot-required");
    /// </code>
    /// </example>
    public RebootWhenResource When(string path, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _declare(new RebootWhenResource(path), file, line);
}

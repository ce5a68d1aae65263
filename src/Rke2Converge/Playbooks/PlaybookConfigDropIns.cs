using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>
/// What apply does with files in /etc/rancher/rke2/config.yaml.d that override or append to a key the playbook
/// manages, or set a key that changes how RKE2 behaves: <c>ConfigDropIns.Fail()</c> (the default),
/// <c>ConfigDropIns.Keep()</c> or <c>ConfigDropIns.Remove()</c>. The last call wins.
/// </summary>
public sealed class PlaybookConfigDropIns
{
    internal PlaybookConfigDropIns()
    {
    }

    internal ConfigDropInPolicy Policy { get; private set; } = ConfigDropInPolicy.Fail;

    /// <summary>The plan shows each such drop-in as drift awaiting the playbook's decision (plan exits 2) and apply refuses to run.</summary>
    /// <example>
    /// <code>
    /// ConfigDropIns.Fail();
    /// </code>
    /// </example>
    public void Fail() => Policy = ConfigDropInPolicy.Fail;

    /// <summary>Leave them in place: the plan notes them and does not count them as drift.</summary>
    /// <example>
    /// <code>
    /// ConfigDropIns.Keep();
    /// </code>
    /// </example>
    public void Keep() => Policy = ConfigDropInPolicy.Keep;

    /// <summary>Remove them (kept under /var/lib/rancher/rke2c/backups) and restart the node with its other changes.</summary>
    /// <example>
    /// <code>
    /// ConfigDropIns.Remove();
    /// </code>
    /// </example>
    public void Remove() => Policy = ConfigDropInPolicy.Remove;
}

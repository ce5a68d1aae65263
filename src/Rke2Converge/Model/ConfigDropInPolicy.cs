namespace Rke2Converge.Model;

/// <summary>
/// What to do with a file in config.yaml.d that overrides or appends to a key the playbook manages, or sets a key
/// that changes how RKE2 behaves (see <c>Plan.Diff.ConfigDropInReview</c>). Other drop-ins are always left alone.
/// </summary>
internal enum ConfigDropInPolicy
{
    /// <summary>The plan shows each such drop-in as drift awaiting a decision (plan exits 2) and apply refuses to run until the playbook decides.</summary>
    Fail,

    /// <summary>Leave them: the plan notes them, they are not drift.</summary>
    Keep,

    /// <summary>Remove them (a backup is kept) and restart the node with its other changes.</summary>
    Remove,
}

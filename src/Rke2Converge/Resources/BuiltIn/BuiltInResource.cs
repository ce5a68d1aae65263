using Rke2Converge.Facts;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Phases;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// A thing rke2c manages on every node of its own accord (RKE2's sysctls, config.yaml, the release, the service, the
/// pending marker), with the same five parts as a declared <see cref="Resource"/>: (a) a fragment of the node's one
/// fact script, (b) the parse of the records it prints into <see cref="HostFacts"/>, (c) a diff that yields changes
/// (no difference, no change), (d) the steps apply runs for them, through the one mutation path a dry run shares, and
/// (e) each change's <see cref="ServiceEffect"/>. Its facts land in typed <see cref="HostFacts"/> properties because
/// gates, ordering and day-2 commands read them too. Adding one takes a subclass in this folder, its place in
/// <see cref="BuiltInResources.All"/> (and <see cref="BeforeDeclaredResources"/> if it goes before the playbook's), the
/// <see cref="HostFacts"/> property its <see cref="Read"/> fills, and, when that fact changes on its own between plan
/// and apply, its exclusion in <c>SavedPlan.Fingerprint</c>.
/// </summary>
internal abstract class BuiltInResource : INodePhase
{
    /// <summary>The phase name in progress output and logs.</summary>
    public abstract string Title { get; }

    /// <summary>Runs before the resources the playbook declares (kernel parameters, the pending marker); otherwise after them.</summary>
    public virtual bool BeforeDeclaredResources => false;

    /// <summary>The paths this resource writes on every node: reserved, so no declared resource may write them (<see cref="ReservedPaths"/>).</summary>
    public virtual IEnumerable<ReservedPath> Writes => [];

    /// <summary>
    /// (a) A read-only POSIX sh fragment of the fact script. It may use <c>b64 TEXT</c>, <c>file_record TAG PATH</c> (<c>managed_record TAG PATH</c> for a file rke2c writes) and
    /// <c>$@</c> (the sysctl keys); every value from the playbook travels as an argument or is quoted with <see cref="Remote.ShellQuote"/>.
    /// </summary>
    internal abstract string FactFragment { get; }

    /// <summary>The record tags the fragment prints, and how often each may appear.</summary>
    public abstract IReadOnlyList<FactTag> Records { get; }

    /// <summary>(b) The facts with this resource's part filled in from its records (in output order).</summary>
    public abstract HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records);

    /// <summary>Records the output should have had beyond the <see cref="FactOccurrence.Once"/> tags (named for the error).</summary>
    public virtual IEnumerable<string> Lacking(IReadOnlyList<FactRecord> records, ExpectedFacts request) => [];

    /// <summary>(c, e) This node's changes, in the order they apply.</summary>
    internal abstract IEnumerable<Change> Diff(BuiltInPlanContext context);

    /// <summary>(d) The steps apply runs for this resource's changes on the node.</summary>
    public abstract IEnumerable<RolloutStep> Steps(StepContext context);
}

internal enum FactOccurrence
{
    /// <summary>Exactly one record.</summary>
    Once,

    /// <summary>None or one.</summary>
    Optional,

    /// <summary>Any number.</summary>
    Many,
}

/// <summary>A record tag a built-in resource prints, and how often.</summary>
internal sealed record FactTag(string Name, FactOccurrence Occurs = FactOccurrence.Once);

/// <summary>What the fact script was asked for, so a parse can tell a record that is missing.</summary>
internal sealed record ExpectedFacts(IReadOnlyCollection<string> Sysctls);

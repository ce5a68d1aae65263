using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Resources;

/// <summary>Whether the file that asks for a reboot is on the node.</summary>
public sealed record RebootWhenState(bool Present);

/// <summary>
/// <c>Reboot.When(path)</c>: the node reboots, in its turn of the rollout and behind the same cordon, drain and gates as a
/// restart, when <see cref="Path"/> exists on it, as Debian's and Ubuntu's <c>/var/run/reboot-required</c> does after an
/// update that needs one. The reboot replaces the node's restart; a file in <c>/run</c> is gone after it, so the next
/// plan is clean. rke2c never writes or removes the file.
/// </summary>
public sealed class RebootWhenResource(string path) : Resource<RebootWhenState>
{
    internal string Path { get; } = path;

    internal override string Key => $"reboot-when {Path}";

    internal override string Kind => "reboot";

    internal override IEnumerable<string> Validate() => ResourcePaths.Check(Path, Key);

    internal override string FactFragment(NodeSpec node) =>
        $"if [ -e {ShellQuote.Quote(Path)} ]; then rec present 1; else rec present 0; fi";

    private protected override RebootWhenState Parse(ResourceRecords records)
    {
        var record = records.Next("present");
        return records.Field(record, 1) switch
        {
            "1" => new RebootWhenState(true),
            "0" => new RebootWhenState(false),
            var other => throw records.Error($"present flag '{other}' is neither 0 nor 1"),
        };
    }

    private protected override ResourceChange? Diff(RebootWhenState actual, ResourceContext context) =>
        actual.Present
            ? new ResourceChange(Kind, Key, $"{Path} exists: the node reboots", [], ServiceEffect.Reboot) { EffectReason = $"{Path} exists" }
            : null;
}

using System.Text;
using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// The files in config.yaml.d that RKE2 reads after config.yaml. Those that fight the playbook are handled as its
/// <see cref="ConfigDropInPolicy"/> says; under <c>ConfigDropIns.Remove()</c> each is moved into the backup
/// directory before the service step, so the node's one restart picks up config.yaml without them.
/// </summary>
internal sealed class ConfigDropInsResource : BuiltInResource
{
    public override string Title => "remove config.yaml.d drop-ins";

    // C locale for byte-wise globs: rke2 reads every *.yaml and *.yml (any case, hidden ones too) in byte order of
    // their names; Read restores that order.
    internal override string FactFragment => $$"""
        for f in {{ShellQuote.Quote(Rke2Paths.ConfigDropInDirectory)}}/.* {{ShellQuote.Quote(Rke2Paths.ConfigDropInDirectory)}}/*; do
          case "$f" in *.[yY][aA][mM][lL]|*.[yY][mM][lL]) ;; *) continue ;; esac
          [ -f "$f" ] || continue
          printf 'dropin %s ' "$(b64 "${f##*/}")"; base64 -w0 < "$f"; printf '\n'
        done

        """;

    public override IReadOnlyList<FactTag> Records { get; } = [new("dropin", FactOccurrence.Many)];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records)
    {
        var dropIns = records.Select(record =>
        {
            record.Expect(2);
            var fileName = record.Text(1);
            if (!ConfigDropIn.IsPlainFileName(fileName)) throw record.Error($"drop-in name '{FactRecord.Short(fileName)}' is not a plain file name");
            return new ConfigDropIn(fileName, record.Text(2));
        });
        return facts with { ConfigDropIns = [.. dropIns.OrderBy(dropIn => Encoding.UTF8.GetBytes(dropIn.FileName), ByteOrder.Instance)] };
    }

    internal override IEnumerable<Change> Diff(BuiltInPlanContext context)
    {
        var node = context.Node;
        var removals = new List<Change>();
        foreach (var finding in ConfigDropInReview.Review(node.Config, context.Facts.ConfigDropIns))
        {
            switch (node.ConfigDropIns)
            {
                case ConfigDropInPolicy.Remove:
                    removals.Add(new ConfigDropInRemoval(finding.Path, finding.Description));
                    break;
                case ConfigDropInPolicy.Keep when finding.Unreadable is not null:
                    context.Problem($"{finding.Path}: {finding.Description} (ConfigDropIns.Keep() cannot keep it)");
                    break;
                case ConfigDropInPolicy.Keep when finding.Keys.FirstOrDefault(key => ConfigRules.EngineOwned(key.Key) is not null) is { } owned:
                    context.Problem($"{finding.Path} sets config key '{owned.Key}', which rke2c manages " +
                                    "(ConfigDropIns.Keep() cannot keep it: remove the key from the file, or choose ConfigDropIns.Remove())");
                    break;
                case ConfigDropInPolicy.Keep:
                    context.Note($"{finding.Path} {finding.Description} (kept: ConfigDropIns.Keep())");
                    break;
                default:
                    context.Unresolve(finding.Unreadable is null ? $"{finding.Path} {finding.Description}" : $"{finding.Path}: {finding.Description}");
                    break;
            }
        }
        return removals;
    }

    public override IEnumerable<RolloutStep> Steps(StepContext context) =>
        context.Host.Changes.OfType<ConfigDropInRemoval>().Select(removal => RolloutStep.Run(Title, StepKind.RemoveFile, FileOperations.Remove(removal.Path, context.Host.Desired.BackupsKept), removal.Path));
}

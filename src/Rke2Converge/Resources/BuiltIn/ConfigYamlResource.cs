using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Templates;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// /etc/rancher/rke2/config.yaml, compared key by key and written whole (mode 0600: it holds the token); RKE2 reads
/// it at startup, so a change restarts the service. The plan carries the hash of the file with secrets masked; the
/// real file is rendered only when the step runs, so secrets live no longer than needed.
/// </summary>
public sealed class ConfigYamlResource : BuiltInResource
{
    public override string Title => "config.yaml";

    public override string FactFragment => $"managed_record config {ShellQuote.Quote(Rke2Paths.ConfigFile)}\n";

    public override IReadOnlyList<FactTag> Records { get; } = [new("config")];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records) => facts with { ConfigYaml = records.Single().Optional() };

    public override IEnumerable<Change> Diff(BuiltInPlanContext context)
    {
        var (node, facts) = (context.Node, context.Facts);
        ConfigMap actual;
        try
        {
            actual = ConfigYamlReader.Parse(facts.ConfigYaml, $"{node.Name}:{Rke2Paths.ConfigFile}");
        }
        catch (InvalidDataException error)
        {
            // Unreadable YAML is replaced wholesale; the previous file is kept as a backup.
            context.Note(error.Message);
            actual = new ConfigMap();
        }
        var entries = context.Planner.CompareConfig(node.Config, actual);
        if (entries.Count == 0) return [];
        // rke2c only ever writes its own token; on a node already running RKE2 a different one needs a rotation.
        if (facts.InstalledVersion is not null && node.Config["token"] is SecretSource token
            && TokenRotation.WouldChange(actual["token"] as string, context.Planner.Reveal(token)))
        {
            if (context.Planner.RotatesToken) context.Note(TokenRotation.Rotating);
            else context.Problem(TokenRotation.Refusal);
        }
        return [new ConfigFileChange(Rke2Paths.ConfigFile, facts.ConfigYaml is not null, entries)];
    }

    public override IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<ConfigFileChange>() is not { } change) yield break;
        var desired = context.Host.Desired;
        var planner = context.Planner;
        yield return new RolloutStep(Title, new PlannedStep(StepKind.WriteFile, $"write {change.Path}", change.Path, PlannedStep.Hash(planner.RenderMaskedConfigFile(desired))),
            (node, token) => node.ExecuteAsync(FileOperations.WriteAtomically(change.Path, planner.RenderConfigFile(desired), "0600", backupsKept: desired.BackupsKept), token));
    }
}

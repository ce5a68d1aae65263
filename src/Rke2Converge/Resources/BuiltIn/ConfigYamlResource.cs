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
/// step writes the file rendered when the plan was made, the one its binding covers (secrets masked).
/// </summary>
internal sealed class ConfigYamlResource : BuiltInResource
{
    public override string Title => "config.yaml";

    public override IEnumerable<ReservedPath> Writes => [new(Rke2Paths.ConfigFile, Tree: false, "config.yaml, which rke2c renders from the playbook")];

    internal override string FactFragment => $"managed_record config {ShellQuote.Quote(Rke2Paths.ConfigFile)}\n";

    public override IReadOnlyList<FactTag> Records { get; } = [new("config")];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records) => facts with { ConfigYaml = records.Single().Optional() };

    internal override IEnumerable<Change> Diff(BuiltInPlanContext context)
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
        var entries = context.Planner.CompareConfig(WithTemplateKeys(node.Config, context.Planner.RenderMaskedConfigFile(node)), actual);
        // The template's own text (comments, layout) is part of the file: a change to it alone is a change too.
        var textDiffers = entries.Count == 0 && facts.ConfigYaml is not null && facts.ConfigYaml != context.Planner.RenderConfigFile(node);
        if (entries.Count == 0 && !textDiffers) return [];
        // rke2c only ever writes its own token; on a node already running RKE2 a different one needs a rotation. A node
        // installed but never started (neither unit enabled or running, no cluster CA: a restore into new nodes that
        // stopped at the cluster reset) holds no bootstrap data encrypted with the old one.
        if (HasRun(facts) && node.Config["token"] is SecretSource token
            && TokenRotation.WouldChange(actual["token"] as string, context.Planner.Reveal(token)))
        {
            if (context.Planner.RotatesToken) context.Note(TokenRotation.Rotating);
            else context.Problem(TokenRotation.Refusal);
        }
        // RKE2 never renames a node: a new node-name registers a second node (a second etcd member for a server).
        if (facts.InstalledVersion is not null && actual["node-name"] is string running && node.Config["node-name"] is string wanted && running != wanted)
        {
            context.Problem(NodeRename.Refusal(running, wanted, node.Node.Address));
        }
        return [new ConfigFileChange(Rke2Paths.ConfigFile, facts.ConfigYaml is not null, entries) { TextOnly = textDiffers }];
    }

    private static bool HasRun(HostFacts facts) =>
        facts.InstalledVersion is not null
        && (facts.ClusterCaSha256 is not null || new[] { facts.ServerService, facts.AgentService }.Any(unit => unit.Enabled || unit.ActiveState is not ("inactive" or "unknown")));

    /// <summary>
    /// The playbook's entries, and those the template writes by itself (a literal <c>profile: cis</c> line, say), so
    /// those are compared too. The template cannot write the keys rke2c manages (<see cref="Plan.Planner.CheckTemplates"/>).
    /// </summary>
    private static ConfigMap WithTemplateKeys(ConfigMap declared, string maskedRendering)
    {
        ConfigMap rendered;
        try
        {
            rendered = ConfigYamlReader.Parse(maskedRendering, TemplateRenderer.ConfigYaml);
        }
        catch (InvalidDataException)
        {
            return declared;
        }
        var extra = new ConfigMap();
        foreach (var (key, value) in rendered.Where(entry => !declared.ContainsKey(entry.Key))) extra[key] = value;
        return extra.Count == 0 ? declared : declared.MergedWith(extra);
    }

    public override IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<ConfigFileChange>() is not { } change) yield break;
        var desired = context.Host.Desired;
        var planner = context.Planner;
        var write = FileOperations.WriteAtomically(change.Path, planner.RenderConfigFile(desired), "0600", backupsKept: desired.BackupsKept);
        yield return new RolloutStep(Title, new PlannedStep(StepKind.WriteFile, $"write {change.Path}", change.Path, PlannedStep.Hash(planner.RenderMaskedConfigFile(desired))),
            (node, token) => node.ExecuteAsync(write, token))
        {
            Sends = [write],
        };
    }
}

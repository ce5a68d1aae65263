using System.Text.Json;
using System.Text.Json.Serialization;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;

namespace Rke2Converge.Plan.Rendering;

/// <summary>The same plan as JSON for scripts. Only explicit, secret-free fields are written.</summary>
internal static class PlanJsonWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The version of the JSON shape (schemas/plan.schema.json); raised on any change a script could notice.</summary>
    public const int SchemaVersion = 1;

    public static string ToJson(ClusterPlan plan) => JsonSerializer.Serialize(Describe(plan), Options);

    private static object Describe(ClusterPlan plan) => new
    {
        schemaVersion = SchemaVersion,
        cluster = plan.Cluster,
        version = plan.Version.ToString(),
        drift = plan.HasDrift,
        summary = new { changed = plan.ChangedHosts, unchanged = plan.UnchangedHosts, text = PlanSummary.Text(plan) },
        notes = plan.Notes,
        problems = plan.Problems,
        rolloutOrder = plan.RolloutOrder,
        limit = plan.Limit,
        hosts = plan.Hosts.Select(host => new
        {
            node = host.Node,
            address = host.Desired.Node.Address,
            role = host.Desired.Role.DisplayName(),
            changed = host.HasDrift,
            notInLimit = host.NotInLimit ? true : (bool?)null,
            changes = host.Changes.Select(DescribeChange),
            problems = host.Problems,
            unresolved = host.Unresolved,
            notes = host.Notes,
            steps = host.Steps.Select(DescribeStep),
        }),
    };

    public static object DescribeStep(PlannedStep step) => new { kind = step.KindName, description = step.Description, target = step.Target, sha256 = step.Sha256, commandsSha256 = step.CommandsSha256 };

    private static object DescribeChange(Change change) => change switch
    {
        SysctlChange sysctl => new { kind = change.Kind, summary = change.Summary, key = sysctl.Key, before = sysctl.Before, after = sysctl.After },
        ConfigFileChange config => new
        {
            kind = change.Kind,
            summary = change.Summary,
            path = config.Path,
            entries = config.Entries.Select(entry => new
            {
                path = entry.Path,
                change = entry.Kind.ToString().ToLowerInvariant(),
                before = entry.Before,
                after = entry.After,
                sensitive = entry.Sensitive ? true : (bool?)null,
            }),
        },
        Resources.ResourceChange resource => new
        {
            kind = change.Kind,
            summary = change.Summary,
            resource = resource.Title,
            details = resource.Details,
            restart = resource.Effect.HasFlag(Resources.ServiceEffect.Restart) ? true : (bool?)null,
        },
        ConfigDropInRemoval removal => new { kind = change.Kind, summary = change.Summary, path = removal.Path },
        InstallChange install => new { kind = change.Kind, summary = change.Summary, before = install.From, after = install.To.ToString() },
        _ => new { kind = change.Kind, summary = change.Summary },
    };
}

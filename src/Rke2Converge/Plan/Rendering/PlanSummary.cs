namespace Rke2Converge.Plan.Rendering;

/// <summary>The plan's one-line summary, the same in the text and the JSON output.</summary>
internal static class PlanSummary
{
    public static string Text(ClusterPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var withProblems = plan.Hosts.Count(h => h.Problems.Count > 0 || h.Unresolved.Count > 0);
        return $"{plan.ChangedHosts} host(s) to change, {plan.UnchangedHosts} unchanged" +
            (plan.Limit is not null ? $", {plan.NotInLimitHosts} not in --limit" : "") +
            (withProblems > 0 ? $", {withProblems} with problems" : "") +
            (plan.Problems.Count > 0 ? $", {plan.Problems.Count} cluster problem(s)" : "");
    }
}

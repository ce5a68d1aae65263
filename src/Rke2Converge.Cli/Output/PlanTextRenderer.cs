using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Rendering;
using Spectre.Console;

namespace Rke2Converge.Cli.Output;

/// <summary>The plan as people read it: one block per host with every change before → after, then a summary line.</summary>
internal sealed class PlanTextRenderer(IAnsiConsole console)
{
    public void Render(ClusterPlan plan)
    {
        console.MarkupLine($"[bold]Plan for cluster {Terminal.Escape(plan.Cluster)}[/] (RKE2 {Terminal.Escape(plan.Version.ToString())})");
        if (plan.Limit is not null) console.MarkupLine($"limit: only nodes matching [bold]{Terminal.Escape(plan.Limit)}[/] change; every other node is read, never changed");
        foreach (var note in plan.Notes) console.MarkupLine($"[yellow]note:[/] {Terminal.Escape(note)}");
        foreach (var problem in plan.Problems) console.MarkupLine($"[red]error:[/] {Terminal.Escape(problem)}");
        if (plan.RolloutOrder.Count > 1) console.MarkupLine($"rollout order: {Terminal.Escape(string.Join(" → ", plan.RolloutOrder))}");
        foreach (var host in InRolloutOrder(plan)) RenderHost(host);
        console.WriteLine();
        console.MarkupLine(Summary(plan));
    }

    private static string Summary(ClusterPlan plan)
    {
        var colour = plan.HasProblems || plan.HasUnresolved ? "red" : plan.HasDrift ? "yellow" : "green";
        return $"[{colour}]{Terminal.Escape(PlanSummary.Text(plan))}[/]";
    }

    /// <summary>Hosts in the order apply converges them (the plan's order when no rollout order is known).</summary>
    public static IEnumerable<HostPlan> InRolloutOrder(ClusterPlan plan) =>
        plan.RolloutOrder.Count == plan.Hosts.Count
            ? plan.RolloutOrder.Select(node => plan.Hosts.Single(host => host.Node == node))
            : plan.Hosts;

    private void RenderHost(HostPlan host)
    {
        var node = host.Desired.Node;
        var header = $"{node.Name} ({node.Role.DisplayName()}, {node.Address})";
        console.WriteLine();
        if (host.NotInLimit)
        {
            console.MarkupLine($"[grey]-[/] {Terminal.Escape(header)}: not in --limit");
        }
        else if (!host.HasDrift && host.Problems.Count == 0)
        {
            console.MarkupLine($"[green]=[/] {Terminal.Escape(header)}: no changes");
        }
        else
        {
            console.MarkupLine($"[yellow]~[/] [bold]{Terminal.Escape(header)}[/]");
        }
        foreach (var change in host.Changes)
        {
            console.MarkupLine($"    {Terminal.Escape(change.Summary)}");
            foreach (var detail in change.Details) console.MarkupLine($"        {Terminal.Escape(detail)}");
        }
        if (host.Steps.Count > 0) console.MarkupLine("    [grey]steps apply runs, in order:[/]");
        for (var i = 0; i < host.Steps.Count; i++) console.MarkupLine($"    [grey]{i + 1,3}. {Terminal.Escape(host.Steps[i].ToString())}[/]");
        foreach (var note in host.Notes) console.MarkupLine($"    [yellow]note:[/] {Terminal.Escape(note)}");
        foreach (var problem in host.Problems) console.MarkupLine($"    [red]error:[/] {Terminal.Escape(problem)}");
        foreach (var unresolved in host.Unresolved) console.MarkupLine($"    [red]problem:[/] {Terminal.Escape(unresolved)}");
    }
}

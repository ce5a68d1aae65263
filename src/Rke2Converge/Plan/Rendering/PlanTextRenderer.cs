using Rke2Converge.Model;
using Spectre.Console;

namespace Rke2Converge.Plan.Rendering;

/// <summary>The plan as people read it: one block per host with every change before → after, then a summary line.</summary>
public sealed class PlanTextRenderer(IAnsiConsole console)
{
    public void Render(ClusterPlan plan)
    {
        console.MarkupLine($"[bold]Plan for cluster {Markup.Escape(plan.Cluster)}[/] (RKE2 {Markup.Escape(plan.Version.ToString())})");
        foreach (var note in plan.Notes) console.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        foreach (var problem in plan.Problems) console.MarkupLine($"[red]error:[/] {Markup.Escape(problem)}");
        foreach (var host in plan.Hosts) RenderHost(host);
        console.WriteLine();
        console.MarkupLine(Summary(plan));
    }

    public static string SummaryText(ClusterPlan plan) =>
        $"{plan.ChangedHosts} host(s) to change, {plan.UnchangedHosts} unchanged" +
        (plan.Hosts.Any(h => h.Problems.Count > 0 || h.Unresolved.Count > 0) ? $", {plan.Hosts.Count(h => h.Problems.Count > 0 || h.Unresolved.Count > 0)} with problems" : "") +
        (plan.Problems.Count > 0 ? $", {plan.Problems.Count} cluster problem(s)" : "");

    private static string Summary(ClusterPlan plan)
    {
        var colour = plan.HasProblems || plan.HasUnresolved ? "red" : plan.HasDrift ? "yellow" : "green";
        return $"[{colour}]{Markup.Escape(SummaryText(plan))}[/]";
    }

    private void RenderHost(HostPlan host)
    {
        var node = host.Desired.Node;
        var header = $"{node.Name} ({node.Role.DisplayName()}, {node.Address})";
        console.WriteLine();
        if (!host.HasDrift && host.Problems.Count == 0)
        {
            console.MarkupLine($"[green]=[/] {Markup.Escape(header)}: no changes");
        }
        else
        {
            console.MarkupLine($"[yellow]~[/] [bold]{Markup.Escape(header)}[/]");
        }
        foreach (var change in host.Changes)
        {
            console.MarkupLine($"    {Markup.Escape(change.Summary)}");
            foreach (var detail in change.Details) console.MarkupLine($"        {Markup.Escape(detail)}");
        }
        foreach (var note in host.Notes) console.MarkupLine($"    [yellow]note:[/] {Markup.Escape(note)}");
        foreach (var problem in host.Problems) console.MarkupLine($"    [red]error:[/] {Markup.Escape(problem)}");
        foreach (var unresolved in host.Unresolved) console.MarkupLine($"    [red]problem:[/] {Markup.Escape(unresolved)}");
    }
}

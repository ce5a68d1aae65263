using System.Collections.Concurrent;
using System.Diagnostics;
using Rke2Converge.Model.Validation;
using Rke2Converge.Rollout;
using Spectre.Console;

namespace Rke2Converge.Cli.Output;

/// <summary>A live table on a terminal: each node's step, the gate it waits on, time spent and what the gate saw.</summary>
internal sealed class LiveProgress(IAnsiConsole console, IReadOnlyList<string> nodes, bool dryRun = false) : IRolloutObserver
{
    private sealed record Row(string Status, string Step, string Detail, Stopwatch? Clock);

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, Row> _rows = new(nodes.Select(n => KeyValuePair.Create(n, new Row("pending", "", "", null))));

    public async Task<T> RunAsync<T>(Func<Task<T>> rollout)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("node", "status", "step", "time", "last observed");
        return await console.Live(table).StartAsync(async context =>
        {
            var work = rollout();
            while (!work.IsCompleted)
            {
                Redraw(table);
                context.Refresh();
                await Task.WhenAny(work, Task.Delay(RefreshInterval)).ConfigureAwait(false);
            }
            Redraw(table);
            context.Refresh();
            return await work.ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public void NodeStarted(string node) => _rows[node] = new Row(dryRun ? "[yellow]checking[/]" : "[yellow]converging[/]", "", "", Stopwatch.StartNew());

    public void Step(string node, string step) => Update(node, row => row with { Step = step, Detail = "" });

    public void GateWaiting(string node, string gate, TimeSpan elapsed, string? lastObserved) =>
        Update(node, row => row with { Step = $"gate: {gate}", Detail = lastObserved ?? "" });

    public void GatePassed(string node, string gate, TimeSpan elapsed) => Update(node, row => row with { Step = $"gate: {gate} ✓", Detail = "" });

    public void NodeSkipped(string node, string reason) =>
        _rows[node] = new Row(reason == RolloutRunner.NotInLimitReason ? "[grey]not in --limit[/]" : "[grey]unchanged[/]", reason, "", null);

    public void NodeConverged(string node, TimeSpan elapsed) => Update(node, row => row with { Status = dryRun ? "[blue]would change[/]" : "[green]converged[/]", Step = "", Detail = "" });

    public void NodeFailed(string node, string reason) => Update(node, row => row with { Status = "[red]failed[/]", Detail = reason.Split('\n')[0] });

    private void Update(string node, Func<Row, Row> change) => _rows.AddOrUpdate(node, _ => change(new Row("", "", "", null)), (_, row) => change(row));

    private void Redraw(Table table)
    {
        table.Rows.Clear();
        foreach (var node in nodes)
        {
            var row = _rows[node];
            var time = row.Clock is null ? "" : $"{row.Clock.Elapsed.TotalSeconds:0}s";
            if (new[] { "converged", "would change", "failed" }.Any(end => row.Status.Contains(end, StringComparison.Ordinal))) row.Clock?.Stop();
            table.AddRow(Cell(node), row.Status, Cell(row.Step), time, Cell(Truncate(row.Detail, 80)));
        }
    }

    /// <summary>Escaped before layout, so the table measures what it shows (one line: a line break is escaped too).</summary>
    private static string Cell(string text) => Markup.Escape(Printable.Escape(text));

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}

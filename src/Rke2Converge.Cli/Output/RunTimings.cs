using System.Diagnostics;
using System.Globalization;
using Rke2Converge.Facts;

namespace Rke2Converge.Cli.Output;

/// <summary>Where a run's time went: each stage in the order it ran, and every host's fact read, for --timings.</summary>
internal sealed class RunTimings
{
    private const int SlowestHostsShown = 5;
    private readonly List<(string Stage, TimeSpan Elapsed)> _stages = [];
    private readonly List<HostTiming> _hosts = [];
    private readonly Dictionary<string, int> _runsOfStage = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="stage"/> and records how long it took, also when it throws.</summary>
    public async Task<T> MeasureAsync<T>(string stage, Func<Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await run().ConfigureAwait(false);
        }
        finally
        {
            Record(stage, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Runs <paramref name="stage"/> and records how long it took, also when it throws.</summary>
    public T Measure<T>(string stage, Func<T> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return run();
        }
        finally
        {
            Record(stage, Stopwatch.GetElapsedTime(started));
        }
    }

    public void Record(string stage, TimeSpan elapsed)
    {
        lock (_stages)
        {
            // A stage that runs again (facts read twice in one apply) is numbered rather than merged.
            var run = _runsOfStage[stage] = _runsOfStage.GetValueOrDefault(stage) + 1;
            _stages.Add((run == 1 ? stage : $"{stage} ({run})", elapsed));
        }
    }

    public void Record(IEnumerable<HostTiming> hosts)
    {
        lock (_stages) _hosts.AddRange(hosts);
    }

    public IReadOnlyList<string> Summary()
    {
        lock (_stages)
        {
            var lines = new List<string> { "timings:" };
            lines.AddRange(_stages.Select(s => $"  {s.Stage,-24} {Seconds(s.Elapsed),8}"));
            if (_hosts.Count == 0) return lines;
            lines.Add($"  slowest hosts (of {_hosts.Count}): wait for a slot / round trip incl. connect / parse");
            lines.AddRange(_hosts.OrderByDescending(h => h.Total).Take(SlowestHostsShown).Select(h =>
                $"  {h.Node,-24} {Seconds(h.WaitedForSlot),8} {Seconds(h.RoundTrip),8} {Seconds(h.Parse),8}{(h.Failed ? "  failed" : "")}"));
            return lines;
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + "s";
}

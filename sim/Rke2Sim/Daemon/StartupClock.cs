namespace Rke2Sim.Daemon;

/// <summary>Paces a start: milestones are fractions of the start's total duration.</summary>
public sealed class StartupClock(NodeDaemon daemon, TimeSpan total)
{
    public DateTimeOffset Origin { get; } = DateTimeOffset.UtcNow;

    public TimeSpan Total { get; } = total;

    public DateTimeOffset TimeOf(double fraction) => Origin + Total * fraction;

    public async Task AtAsync(double fraction)
    {
        var remaining = TimeOf(fraction) - DateTimeOffset.UtcNow;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining, daemon.Stopping);
    }
}

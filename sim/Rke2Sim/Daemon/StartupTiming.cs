using System.Security.Cryptography;
using System.Text;
using Rke2Sim.Hosting;

namespace Rke2Sim.Daemon;

public enum StartKind
{
    Bootstrap,
    ServerJoin,
    AgentJoin,
    Restart,
}

/// <summary>
/// Seeded, realistic durations (bootstrap 60–90 s, server join 40–60 s, agent 20–40 s, restart 20–40 s), multiplied
/// by the lab's time scale. The seed combines RKE2_SIM_SEED, the node name and how many times this node has started.
/// </summary>
public sealed class StartupTiming
{
    private readonly HostEnvironment _host;
    private readonly Random _random;

    public StartupTiming(HostEnvironment host, string node)
    {
        _host = host;
        var startCount = NextStartCount();
        StartCount = startCount;
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{host.Seed}/{node}/{startCount}"));
        _random = new Random(BitConverter.ToInt32(digest, 0));
    }

    /// <summary>How many times this node's rke2 has started, this start included.</summary>
    public int StartCount { get; }

    public static (double Min, double Max) RangeSeconds(StartKind kind) => kind switch
    {
        StartKind.Bootstrap => (60, 90),
        StartKind.ServerJoin => (40, 60),
        StartKind.AgentJoin => (20, 40),
        _ => (20, 40),
    };

    public TimeSpan TotalFor(StartKind kind)
    {
        var (min, max) = RangeSeconds(kind);
        return _host.ScaledSeconds(min + _random.NextDouble() * (max - min));
    }

    public TimeSpan Scaled(double realSeconds) => _host.ScaledSeconds(realSeconds);

    /// <summary>A retry interval: scaled, but never below a second so scaled-down labs do not flood the journal.</summary>
    public TimeSpan RetryInterval(double realSeconds) => TimeSpan.FromMilliseconds(Math.Max(1000, _host.ScaledSeconds(realSeconds).TotalMilliseconds));

    public double NextDouble() => _random.NextDouble();

    public TimeSpan ScaledBetween(double minSeconds, double maxSeconds) =>
        _host.ScaledSeconds(minSeconds + _random.NextDouble() * (maxSeconds - minSeconds));

    private static int NextStartCount()
    {
        const string file = "/var/lib/rancher/rke2/agent/sim-start-count";
        var count = int.TryParse(SimPaths.ReadIfExists(file)?.Trim(), out var n) ? n + 1 : 1;
        try
        {
            SimPaths.WriteAtomically(file, count + "\n");
        }
        catch (IOException)
        {
            // Only affects the seed.
        }
        catch (UnauthorizedAccessException)
        {
            // Only affects the seed.
        }
        return count;
    }
}

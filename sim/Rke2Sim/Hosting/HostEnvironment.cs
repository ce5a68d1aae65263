using System.Globalization;

namespace Rke2Sim.Hosting;

/// <summary>
/// What the lab tells a simulated host about itself, read from <c>/run/rke2-sim/host.env</c> (KEY=VALUE lines).
/// The file is read directly rather than trusting the process environment, because systemd-started daemons
/// and SSH sessions see different environments.
/// </summary>
public sealed record HostEnvironment(
    string SimHome,
    string HostName,
    string NodeAddress,
    string Loopback,
    double TimeScale,
    string Seed,
    bool RegistryAccess = true)
{
    public const string DefaultPath = "/run/rke2-sim/host.env";

    public static HostEnvironment Load()
    {
        var path = Environment.GetEnvironmentVariable("RKE2_SIM_HOST_ENV") ?? SimPaths.Resolve(DefaultPath);
        var values = File.Exists(path) ? Parse(File.ReadAllText(path)) : new Dictionary<string, string>();
        string Get(string key, string fallback) =>
            values.TryGetValue(key, out var value) && value.Length > 0 ? value : fallback;
        var scale = double.TryParse(Get("RKE2_SIM_TIME_SCALE", "1"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
            ? s
            : 1.0;
        var address = Get("RKE2_SIM_NODE_ADDRESS", "127.0.0.1");
        return new HostEnvironment(
            Get("RKE2_SIM_HOME", AppContext.BaseDirectory.TrimEnd('/')),
            Get("RKE2_SIM_HOST", Environment.MachineName),
            address,
            Get("RKE2_SIM_LOOPBACK", address),
            scale,
            Get("RKE2_SIM_SEED", "0"),
            // RKE2_SIM_REGISTRY_ACCESS=none: an air-gapped host, where every image pull fails (lab.sh up --no-registry).
            !string.Equals(Get("RKE2_SIM_REGISTRY_ACCESS", "yes"), "none", StringComparison.Ordinal));
    }

    public static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].Trim();
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0]) value = value[1..^1];
            values[line[..eq].Trim()] = value;
        }
        return values;
    }

    /// <summary>A simulated duration: the real one multiplied by the lab's time scale.</summary>
    public TimeSpan Scaled(TimeSpan real) => TimeSpan.FromMilliseconds(real.TotalMilliseconds * TimeScale);

    public TimeSpan ScaledSeconds(double seconds) => Scaled(TimeSpan.FromSeconds(seconds));
}

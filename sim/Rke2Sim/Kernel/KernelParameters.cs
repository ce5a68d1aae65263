using System.Globalization;
using Rke2Sim.Hosting;

namespace Rke2Sim.Kernel;

/// <summary>The kernel parameter checks RKE2 (CIS profile) and the kubelet (protect-kernel-defaults) make.</summary>
public static class KernelParameters
{
    /// <summary>What RKE2's CIS profile validation requires before it starts anything.</summary>
    public static readonly IReadOnlyList<(string Key, long Expected)> CisRequired =
    [
        ("vm.overcommit_memory", 1), ("vm.panic_on_oom", 0), ("kernel.panic", 10), ("kernel.panic_on_oops", 1),
    ];

    /// <summary>What the kubelet's container manager insists on when protect-kernel-defaults is on.</summary>
    public static readonly IReadOnlyList<(string Key, long Expected)> KubeletRequired =
    [
        ("vm.overcommit_memory", 1), ("vm.panic_on_oom", 0), ("kernel.panic", 10), ("kernel.panic_on_oops", 1),
        ("kernel.keys.root_maxkeys", 1000000), ("kernel.keys.root_maxbytes", 25000000),
    ];

    /// <summary>Reads a value from /proc/sys (the lab gives each host a private writable copy).</summary>
    public static string? Read(string key)
    {
        var path = SimPaths.Resolve(Path.Join(SimPaths.ProcSys, key.Replace('.', '/')));
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    public static IReadOnlyDictionary<string, string?> ReadAll() =>
        KubeletRequired.Select(p => p.Key).ToDictionary(k => k, Read);

    /// <summary>RKE2's own check (profile: cis); each problem is one line like upstream's cisErrors.</summary>
    public static IReadOnlyList<string> CisViolations(IReadOnlyDictionary<string, string?> actual) =>
        CisRequired
            .Where(p => Value(actual, p.Key) != p.Expected)
            .Select(p => $"invalid kernel parameter value {p.Key}={Value(actual, p.Key)} - expected {p.Expected}")
            .ToList();

    /// <summary>The kubelet's check; items formatted like kubelet's setupKernelTunables errors.</summary>
    public static IReadOnlyList<string> KubeletViolations(IReadOnlyDictionary<string, string?> actual) =>
        KubeletRequired
            .Where(p => Value(actual, p.Key) != p.Expected)
            .Select(p => $"invalid kernel flag: {p.Key.Replace('.', '/')}, expected value: {p.Expected}, actual value: {Value(actual, p.Key)}")
            .ToList();

    /// <summary>A missing or unreadable parameter reads as 0, like a fresh kernel default for these keys.</summary>
    private static long Value(IReadOnlyDictionary<string, string?> actual, string key) =>
        actual.TryGetValue(key, out var text) && long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}

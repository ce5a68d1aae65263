namespace Rke2Sim.Config;

/// <summary>The merged RKE2 configuration: every key maps to its values (one for scalars).</summary>
public sealed class Rke2Config(IReadOnlyDictionary<string, IReadOnlyList<string>> values)
{
    /// <summary>Values that must be identical on every server, else joining fails.</summary>
    public static readonly IReadOnlyList<string> CriticalKeys =
    [
        "cluster-cidr", "service-cidr", "cluster-dns", "cluster-domain", "agent-token",
        "disable-kube-proxy", "egress-selector-mode", "disable-cloud-controller",
    ];

    private static readonly IReadOnlyDictionary<string, string> CriticalDefaults = new Dictionary<string, string>
    {
        ["cluster-cidr"] = "10.42.0.0/16",
        ["service-cidr"] = "10.43.0.0/16",
        ["cluster-dns"] = "10.43.0.10",
        ["cluster-domain"] = "cluster.local",
        ["agent-token"] = "",
        ["disable-kube-proxy"] = "false",
        ["egress-selector-mode"] = "agent",
        ["disable-cloud-controller"] = "false",
    };

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Values { get; } = values;

    public string? GetString(string key) =>
        Values.TryGetValue(key, out var list) && list.Count > 0 ? list[^1] : null;

    public bool GetBool(string key) =>
        GetString(key) is { } text && (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1");

    /// <summary>A list option; a scalar holding commas counts as several values, as on the command line.</summary>
    public IReadOnlyList<string> GetList(string key) =>
        Values.TryGetValue(key, out var list)
            ? list.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : [];

    public string? Server => GetString("server");

    public string? Token => GetString("token");

    public bool DisableEtcd => GetBool("disable-etcd");

    public bool DisableApiServer => GetBool("disable-apiserver");

    public bool DisableControllerManager => GetBool("disable-controller-manager");

    public bool DisableScheduler => GetBool("disable-scheduler");

    public bool DisableKubeProxy => GetBool("disable-kube-proxy");

    public bool DisableCloudController => GetBool("disable-cloud-controller");

    public bool CisProfile => GetString("profile") is { } p && p.StartsWith("cis", StringComparison.Ordinal);

    /// <summary>Whether protect-kernel-defaults was set explicitly to false (illegal with the CIS profile).</summary>
    public bool ProtectKernelDefaultsExplicitlyOff => GetString("protect-kernel-defaults") is { } v && !GetBool("protect-kernel-defaults");

    public bool ProtectKernelDefaults => GetBool("protect-kernel-defaults") || CisProfile;

    public bool EtcdExposeMetrics => GetBool("etcd-expose-metrics");

    public string NodeName(string hostName) => GetString("node-name") ?? hostName;

    /// <summary>The critical values this server would insist on, defaults filled in.</summary>
    public IReadOnlyDictionary<string, string> CriticalConfig() =>
        CriticalKeys.ToDictionary(k => k, k => string.Join(",", GetList(k)) is { Length: > 0 } v ? Normalize(k, v) : CriticalDefaults[k]);

    private static string Normalize(string key, string value) =>
        key.StartsWith("disable-", StringComparison.Ordinal) ? (value.Equals("true", StringComparison.OrdinalIgnoreCase) ? "true" : "false") : value;
}

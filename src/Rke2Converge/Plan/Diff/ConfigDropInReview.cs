using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Templates;
using YamlDotNet.Core;

namespace Rke2Converge.Plan.Diff;

internal enum DropInEffect
{
    /// <summary><c>key:</c> for a key the playbook manages: the drop-in's value wins over config.yaml's.</summary>
    Overrides,

    /// <summary><c>key+:</c> for a key the playbook manages: RKE2 appends the drop-in's values to the playbook's.</summary>
    AppendsTo,

    /// <summary>A key the playbook leaves alone but that changes how RKE2 runs (<see cref="ConfigDropInReview.BehaviourChangingKeys"/>).</summary>
    ChangesBehaviour,
}

/// <summary>One key of a drop-in that fights the playbook. Only the key: values may be secret.</summary>
internal sealed record DropInKey(string Key, DropInEffect Effect)
{
    public override string ToString() => Effect switch
    {
        DropInEffect.Overrides => $"overrides {Key} from the playbook",
        DropInEffect.AppendsTo => $"appends to {Key} from the playbook",
        _ => $"sets {Key}, which changes how RKE2 runs",
    };
}

/// <summary>A drop-in that fights the playbook: the keys that do, or why RKE2 cannot read it at all.</summary>
internal sealed record DropInFinding(ConfigDropIn DropIn, IReadOnlyList<DropInKey> Keys, string? Unreadable)
{
    public string Path => DropIn.Path;

    /// <summary>What the drop-in does, naming keys but never values: <c>sets profile, which changes how RKE2 runs</c>.</summary>
    public string Description => Unreadable is not null
        ? $"{Unreadable}: RKE2 will refuse to start with it"
        : string.Join("; ", Keys);
}

/// <summary>
/// Reads the drop-ins RKE2 merges over config.yaml and picks out those that fight the playbook: a drop-in that sets
/// or appends to a key the playbook manages, or sets one of <see cref="BehaviourChangingKeys"/>. Drop-ins with
/// other keys (kubelet-arg, node-label, ... the playbook does not manage) are left alone.
/// </summary>
internal static class ConfigDropInReview
{
    /// <summary>
    /// Keys that change how a node runs or whether it can start, even though the playbook does not set them:
    /// hardening (profile, selinux, protect-kernel-defaults) and networking (cni) that keep a node down when the
    /// host is not prepared for them; cluster identity (server, token, agent-token, data-dir, cluster-reset,
    /// cluster-reset-restore-path); the role switches (disable-etcd, disable-apiserver, disable-controller-manager,
    /// disable-scheduler); the values every server must agree on or joins fail with "critical configuration value
    /// mismatch" (cluster-cidr, service-cidr, cluster-dns, cluster-domain, disable-kube-proxy,
    /// egress-selector-mode, disable-cloud-controller); and another container runtime (container-runtime-endpoint).
    /// </summary>
    public static readonly IReadOnlySet<string> BehaviourChangingKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "profile", "selinux", "protect-kernel-defaults", "cni",
        "server", "token", "agent-token", "data-dir", "cluster-reset", "cluster-reset-restore-path",
        "disable-etcd", "disable-apiserver", "disable-controller-manager", "disable-scheduler",
        "cluster-cidr", "service-cidr", "cluster-dns", "cluster-domain", "disable-kube-proxy", "egress-selector-mode",
        "disable-cloud-controller", "container-runtime-endpoint",
    };

    /// <summary>The drop-ins that fight <paramref name="managed"/> (a node's desired config), in RKE2's reading order.</summary>
    public static IReadOnlyList<DropInFinding> Review(ConfigMap managed, IEnumerable<ConfigDropIn> dropIns)
    {
        ArgumentNullException.ThrowIfNull(managed);
        ArgumentNullException.ThrowIfNull(dropIns);
        var findings = new List<DropInFinding>();
        foreach (var dropIn in dropIns)
        {
            ConfigMap values;
            try
            {
                values = ConfigYamlReader.Parse(dropIn.Content, dropIn.Path);
            }
            catch (InvalidDataException error)
            {
                findings.Add(new DropInFinding(dropIn, [], Unreadable(error)));
                continue;
            }
            var keys = values.Keys.Select(key => Classify(key, managed)).OfType<DropInKey>().ToList();
            if (keys.Count > 0) findings.Add(new DropInFinding(dropIn, keys, null));
        }
        return findings;
    }

    private static DropInKey? Classify(string rawKey, ConfigMap managed)
    {
        var appends = rawKey.EndsWith('+');
        // RKE2 reads a one-letter key as k3s's short flag: `t:` is the token.
        var key = Rke2ConfigKeys.LongName(appends ? rawKey[..^1] : rawKey);
        if (managed.ContainsKey(key)) return new DropInKey(key, appends ? DropInEffect.AppendsTo : DropInEffect.Overrides);
        return BehaviourChangingKeys.Contains(key) ? new DropInKey(key, DropInEffect.ChangesBehaviour) : null;
    }

    // The parser's own message can quote the file, and a drop-in may hold a token: say only where it broke.
    private static string Unreadable(InvalidDataException error) => error.InnerException is YamlException yaml
        ? $"not valid YAML at line {yaml.Start.Line}"
        : "not a YAML mapping";
}

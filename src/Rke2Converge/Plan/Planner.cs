using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Resources;
using Rke2Converge.Templates;

namespace Rke2Converge.Plan;

/// <summary>Compares each node's desired state with its facts and lists the changes, pyinfra-style: no difference, no change.</summary>
public sealed class Planner(
    string clusterName, TemplateRenderer templates, Func<SecretSource, string> revealSecret, string? registrationAddress = null,
    IReadOnlyList<CustomGateSpec>? customGates = null)
{
    private readonly ConfigDiff _configDiff = new(revealSecret);

    /// <summary><c>rke2c token rotate</c>: a changed token is the rotation being rolled out, not a problem.</summary>
    public bool RotatesToken { get; init; }

    /// <param name="desired">Every node of the playbook.</param>
    /// <param name="facts">Facts of the nodes that answered.</param>
    /// <param name="unreachable">Why each other node could not be read: it gets a problem instead of a plan.</param>
    public ClusterPlan Plan(IReadOnlyList<NodeDesiredState> desired, IReadOnlyDictionary<string, HostFacts> facts,
        IReadOnlyDictionary<string, string>? unreachable = null)
    {
        var hosts = desired.Select(node => unreachable?.GetValueOrDefault(node.Name) is { } reason && !facts.ContainsKey(node.Name)
            ? Unreachable(node, reason)
            : PlanHost(node, facts[node.Name])).ToList();
        var notes = new List<string>();
        if (hosts.Any(host => host.Unresolved.Count > 0))
        {
            notes.Add($"drop-ins in {Rke2Paths.ConfigDropInDirectory} fight the playbook (below): choose ConfigDropIns.Keep() or " +
                      "ConfigDropIns.Remove() in the playbook; with the default, ConfigDropIns.Fail(), apply refuses to run.");
        }
        var version = desired[0].Version;
        if (registrationAddress is not null && desired.Count > 1)
        {
            notes.Add($"joining nodes register through the registration address {registrationAddress}; " +
                      $"the first server, {desired[0].Name}, bootstraps alone and must be reachable through it before the next node joins.");
        }
        if (KnownIssues.StartupRaceFix(version) is { } fixedIn)
        {
            notes.Add($"{version} has a known startup race (fixed in {fixedIn}): restarts go control-plane nodes before etcd nodes, " +
                      $"and each waits for static pods to settle. Consider {fixedIn}.");
        }
        foreach (var gate in customGates ?? [])
        {
            var where = gate.Roles.Count == 0 ? "each node" : "each " + string.Join(" or ", gate.Roles.Select(role => role.DisplayName())) + " node";
            notes.Add($"custom gate '{gate.Name}' runs after the built-in gates on {where} that starts or restarts");
        }
        return new ClusterPlan(clusterName, version, hosts, notes);
    }

    public string RenderSysctlFile(NodeDesiredState node) => templates.Render(TemplateRenderer.SysctlConf, new Dictionary<string, object?>
    {
        ["node"] = node.Name,
        ["cluster"] = clusterName,
        ["sysctls"] = node.Sysctls.Select(entry => new Dictionary<string, object?> { ["key"] = entry.Key, ["value"] = entry.Value }).ToList(),
    });

    public string RenderConfigFile(NodeDesiredState node) => RenderConfigFile(node, revealSecret);

    /// <summary>config.yaml with every secret as <c>(sensitive)</c>: what the plan hashes, so no secret reaches a plan file.</summary>
    public string RenderMaskedConfigFile(NodeDesiredState node) => RenderConfigFile(node, _ => SecretValue.Mask);

    private string RenderConfigFile(NodeDesiredState node, Func<SecretSource, string> reveal) => templates.Render(TemplateRenderer.ConfigYaml, new Dictionary<string, object?>
    {
        ["node"] = node.Name,
        ["role"] = node.Role.DisplayName(),
        ["cluster"] = clusterName,
        ["version"] = node.Version.ToString(),
        ["config"] = new VerbatimText(WithoutFinalNewline(ConfigYamlWriter.ToYaml(node.Config, reveal))),
    });

    /// <summary>Renders every node's files once, so a template that fails at render time is reported before any host is touched.</summary>
    public IReadOnlyList<TemplateError> CheckTemplates(IEnumerable<NodeDesiredState> nodes)
    {
        foreach (var node in nodes)
        {
            try
            {
                RenderConfigFile(node);
                RenderSysctlFile(node);
            }
            catch (TemplateException error)
            {
                return error.Errors;
            }
        }
        return [];
    }

    // The template ends the file with its own newline. Only one is dropped: a block scalar can end in meaningful newlines.
    private static string WithoutFinalNewline(string yaml) => yaml.EndsWith('\n') ? yaml[..^1] : yaml;

    /// <summary>Nothing is known about the host, so nothing is planned for it, and apply refuses until it answers.</summary>
    private static HostPlan Unreachable(NodeDesiredState node, string reason)
    {
        var unknown = new HostFacts
        {
            Node = node.Name,
            Sysctls = new Dictionary<string, string?>(),
            ServerService = ServiceFacts.Missing("rke2-server"),
            AgentService = ServiceFacts.Missing("rke2-agent"),
        };
        return new HostPlan(node, unknown, [], [$"unreachable, not planned: {reason}"], []);
    }

    private HostPlan PlanHost(NodeDesiredState node, HostFacts facts)
    {
        var changes = new List<Change>();
        var problems = new List<string>();
        var notes = new List<string>();
        var unresolved = new List<string>();

        foreach (var (key, want) in node.Sysctls)
        {
            var have = facts.Sysctls.TryGetValue(key, out var value) ? value : null;
            if (have != NormalizeSysctl(want)) changes.Add(new SysctlChange(key, have, want, node.SysctlsRequiredByKubelet.Contains(key)));
        }

        var sysctlFile = RenderSysctlFile(node);
        if (facts.ManagedSysctlFile != sysctlFile) changes.Add(new SysctlFileChange(Rke2Paths.ManagedSysctlFile, facts.ManagedSysctlFile, sysctlFile));

        var configChange = PlanConfig(node, facts, problems, notes);
        if (configChange is not null) changes.Add(configChange);

        var dropInRemovals = PlanConfigDropIns(node, facts, problems, notes, unresolved);
        changes.AddRange(dropInRemovals);

        var install = PlanInstall(node, facts, problems);
        if (install is not null) changes.Add(install);

        var resources = PlanResources(node, facts, problems);
        changes.AddRange(resources);
        var restartedBy = resources.FirstOrDefault(change => change.Effect.HasFlag(ServiceEffect.Restart));
        var restartReason = install is not null ? "version changes" : configChange is not null || dropInRemovals.Count > 0 ? "config changes" : restartedBy is not null ? $"{restartedBy.Title} changes" : null;
        var service = PlanService(node, facts, restartReason, problems);
        if (service is not null) changes.Add(service);

        return new HostPlan(node, facts, changes, problems, notes) { Unresolved = unresolved };
    }

    /// <summary>Each resource diffs its own facts; no difference, no change.</summary>
    private List<ResourceChange> PlanResources(NodeDesiredState node, HostFacts facts, List<string> problems)
    {
        var changes = new List<ResourceChange>();
        var context = new ResourceContext(node, facts, revealSecret);
        foreach (var resource in node.Resources)
        {
            if (!facts.Resources.TryGetValue(resource.Key, out var state))
            {
                problems.Add($"{resource.Key}: no facts were gathered for it");
                continue;
            }
            if (resource.Diff(state, context) is { } change) changes.Add(change);
        }
        problems.AddRange(context.Problems);
        return changes;
    }

    private ConfigFileChange? PlanConfig(NodeDesiredState node, HostFacts facts, List<string> problems, List<string> notes)
    {
        ConfigMap actual;
        try
        {
            actual = ConfigYamlReader.Parse(facts.ConfigYaml, $"{node.Name}:{Rke2Paths.ConfigFile}");
        }
        catch (InvalidDataException error)
        {
            // Unreadable YAML is replaced wholesale; the previous file is kept as a backup.
            notes.Add(error.Message);
            actual = new ConfigMap();
        }
        var entries = _configDiff.Compare(node.Config, actual);
        if (entries.Count == 0) return null;
        // rke2c only ever writes its own token; on a node already running RKE2 a different one needs a rotation.
        if (facts.InstalledVersion is not null && node.Config["token"] is SecretSource token
            && TokenRotation.WouldChange(actual["token"] as string, revealSecret(token)))
        {
            if (RotatesToken) notes.Add(TokenRotation.Rotating);
            else problems.Add(TokenRotation.Refusal);
        }
        return new ConfigFileChange(Rke2Paths.ConfigFile, facts.ConfigYaml is not null, entries);
    }

    /// <summary>Drop-ins that fight the playbook, handled as the playbook's <see cref="ConfigDropInPolicy"/> says.</summary>
    private static List<ConfigDropInRemoval> PlanConfigDropIns(
        NodeDesiredState node, HostFacts facts, List<string> problems, List<string> notes, List<string> unresolved)
    {
        var removals = new List<ConfigDropInRemoval>();
        foreach (var finding in ConfigDropInReview.Review(node.Config, facts.ConfigDropIns))
        {
            switch (node.ConfigDropIns)
            {
                case ConfigDropInPolicy.Remove:
                    removals.Add(new ConfigDropInRemoval(finding.Path, finding.Description));
                    break;
                case ConfigDropInPolicy.Keep when finding.Unreadable is not null:
                    problems.Add($"{finding.Path}: {finding.Description} (ConfigDropIns.Keep() cannot keep it)");
                    break;
                case ConfigDropInPolicy.Keep:
                    notes.Add($"{finding.Path} {finding.Description} (kept: ConfigDropIns.Keep())");
                    break;
                default:
                    unresolved.Add(finding.Unreadable is null ? $"{finding.Path} {finding.Description}" : $"{finding.Path}: {finding.Description}");
                    break;
            }
        }
        return removals;
    }

    private static InstallChange? PlanInstall(NodeDesiredState node, HostFacts facts, List<string> problems)
    {
        var want = node.Version;
        if (facts.InstalledVersion is null) return new InstallChange(null, want, facts.Arch);
        if (!Rke2Version.TryParse(facts.InstalledVersion, out var have))
        {
            problems.Add($"installed rke2 reports version '{facts.InstalledVersion}', which rke2c cannot compare; reinstall by hand");
            return null;
        }
        if (have == want) return null;
        if (have > want)
        {
            problems.Add($"downgrade from {have} to {want} refused: RKE2 does not support downgrades (restore an etcd snapshot instead)");
            return null;
        }
        if (want.Major != have.Major || want.Minor > have.Minor + 1)
        {
            problems.Add($"upgrade from {have} to {want} skips a minor version: upgrade to the latest v{have.Major}.{have.Minor + 1} release first");
            return null;
        }
        return new InstallChange(have.ToString(), want, facts.Arch);
    }

    private static ServiceChange? PlanService(NodeDesiredState node, HostFacts facts, string? restartReason, List<string> problems)
    {
        var (unit, other) = node.Role.IsServer() ? (facts.ServerService, facts.AgentService) : (facts.AgentService, facts.ServerService);
        if (other.IsActive || other.ActiveState == "activating")
        {
            problems.Add($"{other.Unit} is {other.ActiveState} but the node is declared {node.Role.DisplayName()}: changing a node's role needs rke2-uninstall.sh first");
            return null;
        }
        var enable = !unit.Enabled;
        var (action, reason) = unit.ActiveState switch
        {
            "active" when restartReason is not null => (ServiceAction.Restart, restartReason),
            "active" when facts.Pending == PendingWork.Restart => (ServiceAction.Restart, "an interrupted run changed the node but did not restart it"),
            "active" when facts.Pending == PendingWork.Verify => (ServiceAction.Verify, "its readiness gates have not passed since the last restart"),
            "active" => (ServiceAction.None, "not enabled"),
            "inactive" or "unknown" => (ServiceAction.Start, "not running"),
            var state => (ServiceAction.Restart, facts.Crash is { } crash ? CrashReason(node, facts, crash) : $"service is {state}"),
        };
        return action == ServiceAction.None && !enable ? null : new ServiceChange(node.ServiceName, action, enable, reason);
    }

    /// <summary>A crash loop says what it dies with, and names the known bug when it is one.</summary>
    private static string CrashReason(NodeDesiredState node, HostFacts facts, CrashLoop crash)
    {
        var running = facts.InstalledVersion is { } installed && Rke2Version.TryParse(installed, out var parsed) ? parsed : node.Version;
        var known = KnownIssues.ExplainCrash(running, node.Role, crash.Line);
        return $"crash loop: {crash.Unit} restarted {crash.Restarts} times; it exits with: {crash.Line}" + (known is null ? "" : $"; {known}");
    }

    private static string NormalizeSysctl(string value) =>
        string.Join(' ', value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}

using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Resources;
using Rke2Converge.Resources.BuiltIn;
using Rke2Converge.Templates;

namespace Rke2Converge.Plan;

/// <summary>Compares each node's desired state with its facts and lists the changes, pyinfra-style: no difference, no change.</summary>
internal sealed class Planner(
    string clusterName, TemplateRenderer templates, Func<SecretSource, string> revealSecret, string? registrationAddress = null,
    IReadOnlyList<CustomGateSpec>? customGates = null)
{
    private readonly ConfigDiff _configDiff = new(revealSecret);

    /// <summary>The playbook's <c>Cluster("name")</c>.</summary>
    public string ClusterName => clusterName;

    /// <summary><c>rke2c token rotate</c>: a changed token is the rotation being rolled out, not a problem.</summary>
    public bool RotatesToken { get; init; }

    /// <param name="desired">Every node of the playbook.</param>
    /// <param name="facts">Facts of the nodes that answered.</param>
    /// <param name="unreachable">Why each other node could not be read: it gets a problem instead of a plan.</param>
    public ClusterPlan Plan(IReadOnlyList<NodeDesiredState> desired, IReadOnlyDictionary<string, HostFacts> facts,
        IReadOnlyDictionary<string, string>? unreachable = null)
    {
        var hosts = ClusterIdentityReview.Review([.. desired.Select(node => unreachable?.GetValueOrDefault(node.Name) is { } reason && !facts.ContainsKey(node.Name)
            ? Unreachable(node, reason)
            : PlanHost(node, facts[node.Name]))]);
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
            notes.Add($"{version} has a known startup race (rancher/rke2#8236, #8269; fixed in {fixedIn}): a server start that replaces " +
                      "its own etcd or kube-apiserver pod can crash once; servers restart one at a time and each must come back " +
                      $"before the next. Consider {fixedIn}.");
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

    /// <summary>
    /// Renders every node's files once, so a template that fails at render time is reported before any host is
    /// touched, and reads each config.yaml back as RKE2 would (<see cref="RenderedConfigCheck"/>): a template cannot
    /// write a key rke2c manages or a key twice.
    /// </summary>
    public IReadOnlyList<TemplateError> CheckTemplates(IEnumerable<NodeDesiredState> nodes)
    {
        var errors = new List<TemplateError>();
        foreach (var node in nodes)
        {
            try
            {
                RenderConfigFile(node);
                RenderSysctlFile(node);
                errors.AddRange(RenderedConfigCheck.Check(node, RenderMaskedConfigFile(node), templates.Template(TemplateRenderer.ConfigYaml)));
            }
            catch (TemplateException error)
            {
                return error.Errors;
            }
        }
        return [.. errors.Distinct()];
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

    /// <summary>
    /// Every resource diffs its own facts, in the order they apply: the built-ins that go first, the playbook's
    /// resources, then the other built-ins (the service last, so it sees every change that asks for a restart).
    /// </summary>
    private HostPlan PlanHost(NodeDesiredState node, HostFacts facts)
    {
        var changes = new List<Change>();
        var context = new BuiltInPlanContext(node, facts, this, changes);
        foreach (var resource in BuiltInResources.BeforeDeclared) changes.AddRange(resource.Diff(context));
        var problems = new List<string>();
        changes.AddRange(PlanDeclaredResources(node, facts, problems));
        foreach (var resource in BuiltInResources.AfterDeclared) changes.AddRange(resource.Diff(context));
        var (certificateNotes, certificateDrift) = CertificateExpiryReview.Review(facts);
        return new HostPlan(node, facts, changes, [.. context.Problems, .. problems], [.. context.Notes, .. certificateNotes])
        {
            Unresolved = [.. context.Unresolved, .. certificateDrift],
        };
    }

    /// <summary>The playbook's resources; no difference, no change.</summary>
    private List<ResourceChange> PlanDeclaredResources(NodeDesiredState node, HostFacts facts, List<string> problems)
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

    /// <summary>config.yaml's entries that differ, secrets compared by value and shown masked.</summary>
    public IReadOnlyList<ConfigEntryChange> CompareConfig(ConfigMap desired, ConfigMap actual) => _configDiff.Compare(desired, actual);

    public string Reveal(SecretSource secret) => revealSecret(secret);
}

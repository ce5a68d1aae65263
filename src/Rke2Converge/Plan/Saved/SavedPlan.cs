using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rke2Converge.Facts;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Playbooks;
using Rke2Converge.Templates;

namespace Rke2Converge.Plan.Saved;

internal sealed record SavedSource(string Path, string Sha256);

/// <summary>One host as planned: the fingerprint of the facts the plan was made from, and the steps apply runs.</summary>
internal sealed record SavedHost(string Node, string Facts, IReadOnlyList<PlannedStep> Steps)
{
    /// <summary>
    /// SHA-256 of what the playbook adds to the host's read-only fact script (its resources' checks, a command's
    /// <c>Unless</c> among them, and the sysctl keys read): apply compares it before the script runs.
    /// </summary>
    public string? FactChecks { get; init; }
}

/// <summary>
/// <c>rke2c plan --out plan.json</c>: what apply may run, and what it was derived from (the playbook's source files,
/// each host's facts). Applying it runs exactly these steps, or refuses when anything it was derived from changed;
/// each step carries the hash of every command it sends (<see cref="PlannedStep.CommandsSha256"/>), so a step that
/// would send other bytes (a command taken from an environment variable, say) is refused too.
/// Secret-free: rendered files and commands appear only as hashes, secrets masked.
/// </summary>
internal sealed record SavedPlan(string Format, int Version, string Playbook, IReadOnlyList<SavedSource> Sources, IReadOnlyList<SavedHost> Hosts)
{
    /// <summary>The <c>--limit</c> the plan was made under (null: none); apply plans again under the same limit.</summary>
    public string? Limit { get; init; }

    public const string FormatName = "rke2c-saved-plan";

    /// <summary>2: every step binds the commands it sends.</summary>
    public const int CurrentVersion = 2;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    private static readonly JsonSerializerOptions FactOptions = new() { Converters = { new JsonStringEnumConverter() } };

    public static SavedPlan From(string playbook, IReadOnlyList<SavedSource> sources, ClusterPlan plan) =>
        new(FormatName, CurrentVersion, playbook, sources,
            [.. plan.Hosts.Select(host => new SavedHost(host.Node, Fingerprint(host.Facts), host.Steps) { FactChecks = FactChecksOf(host.Desired) })])
        {
            Limit = plan.Limit,
        };

    /// <summary>
    /// SHA-256 of the parsed facts: any difference on the host that rke2c reads changes it. The cluster's node list is
    /// left out: it only feeds a note, and an API server slow to answer must not void a plan.
    /// </summary>
    public static string Fingerprint(HostFacts facts) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(facts with { ClusterNodes = null, EncryptionHashes = null, SecretsEncryptStatus = null, Crash = null }, FactOptions)));

    /// <summary>The playbook's part of a node's fact script: each resource's check and the sysctl keys, in order.</summary>
    public static string FactChecksOf(NodeDesiredState node) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new
        {
            sysctls = node.Sysctls.Keys.ToList(),
            checks = node.Resources.Select(resource => resource.FactFragment(node.Node)).ToList(),
        })));

    /// <summary>
    /// Nodes whose fact script would run other checks than when the plan was saved, or that the saved plan does not
    /// list, one line each: apply refuses before it reads any host.
    /// </summary>
    public IReadOnlyList<string> ChangedFactChecks(IEnumerable<NodeDesiredState> now)
    {
        var saved = Hosts.ToDictionary(host => host.Node, StringComparer.Ordinal);
        return
        [
            .. now.Select(node => saved.TryGetValue(node.Name, out var host)
                ? host.FactChecks == FactChecksOf(node) ? null : $"{node.Name}: the checks its fact script runs (a resource's Unless or Creates, the sysctls read) differ from the saved plan"
                : $"{node.Name}: not in the saved plan").OfType<string>(),
        ];
    }

    /// <summary>The playbook, every <c>#load</c>ed file and every template file read from disk, each with its SHA-256.</summary>
    public static async Task<IReadOnlyList<SavedSource>> HashSourcesAsync(string playbook, CancellationToken cancellationToken)
    {
        var files = (await PlaybookSources.ReadAsync(playbook, cancellationToken).ConfigureAwait(false)).Files.ToList();
        var templates = TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(playbook)).Sources.Values
            .Where(file => File.Exists(file)).Select(Path.GetFullPath).Order(StringComparer.Ordinal);
        var sources = new List<SavedSource>();
        foreach (var file in files.Concat(templates).Distinct(StringComparer.Ordinal))
        {
            var content = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            sources.Add(new SavedSource(file, Convert.ToHexStringLower(SHA256.HashData(content))));
        }
        return sources;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <exception cref="InvalidDataException">Not a saved plan of this version.</exception>
    public static SavedPlan Parse(string json, string file)
    {
        SavedPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<SavedPlan>(json, Options);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{file}: not a saved rke2c plan ({error.Message})", error);
        }
        if (plan is null || plan.Format != FormatName) throw new InvalidDataException($"{file}: not a saved rke2c plan (write one with rke2c plan PLAYBOOK --out {file})");
        if (plan.Version != CurrentVersion) throw new InvalidDataException($"{file}: saved plan version {plan.Version}; this rke2c reads version {CurrentVersion}: plan again");
        if (plan.Playbook is null || plan.Sources is null || plan.Hosts is null
            || plan.Sources.Any(source => source?.Path is null || source.Sha256 is null)
            || plan.Hosts.Any(host => host?.Node is null || host.Facts is null || host.Steps is null || host.Steps.Any(step => step is null)))
        {
            throw new InvalidDataException($"{file}: not a saved rke2c plan (fields are missing)");
        }
        if (plan.Hosts.GroupBy(host => host.Node, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1) is { } twice)
        {
            throw new InvalidDataException($"{file}: node '{twice.Key}' appears more than once in the saved plan; nothing was changed. Plan again and review.");
        }
        if (plan.Sources.GroupBy(source => source.Path, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1) is { } repeated)
        {
            throw new InvalidDataException($"{file}: source '{repeated.Key}' appears more than once in the saved plan; nothing was changed. Plan again and review.");
        }
        return plan;
    }

    /// <summary>Source files that changed, appeared or went away since the plan was saved, one line each.</summary>
    public IReadOnlyList<string> ChangedSources(IReadOnlyList<SavedSource> now)
    {
        var before = Sources.ToDictionary(source => source.Path, source => source.Sha256, StringComparer.Ordinal);
        var after = now.ToDictionary(source => source.Path, source => source.Sha256, StringComparer.Ordinal);
        return
        [
            .. Sources.Where(source => !after.ContainsKey(source.Path)).Select(source => $"{source.Path}: gone since the plan was saved"),
            .. now.Where(source => !before.ContainsKey(source.Path)).Select(source => $"{source.Path}: new since the plan was saved"),
            .. now.Where(source => before.TryGetValue(source.Path, out var sha) && sha != source.Sha256).Select(source => $"{source.Path}: changed since the plan was saved"),
        ];
    }

    /// <summary>
    /// Why the saved plan no longer holds for the plan made from fresh facts, one line per host that differs (host
    /// named first); empty when every host's facts and steps are as saved.
    /// </summary>
    public IReadOnlyList<string> Differences(ClusterPlan now)
    {
        var problems = new List<string>();
        var saved = Hosts.ToDictionary(host => host.Node, StringComparer.Ordinal);
        foreach (var host in now.Hosts)
        {
            if (!saved.TryGetValue(host.Node, out var before))
            {
                problems.Add($"{host.Node}: not in the saved plan");
                continue;
            }
            if (before.Facts != Fingerprint(host.Facts))
            {
                problems.Add($"{host.Node}: the host changed since the plan was saved (its facts differ)");
            }
            else if (!before.Steps.SequenceEqual(host.Steps))
            {
                var index = Enumerable.Range(0, Math.Max(before.Steps.Count, host.Steps.Count))
                    .First(i => i >= before.Steps.Count || i >= host.Steps.Count || before.Steps[i] != host.Steps[i]);
                var was = index < before.Steps.Count ? before.Steps[index] : null;
                var fresh = index < host.Steps.Count ? host.Steps[index] : null;
                problems.Add(was is not null && fresh is not null && was with { CommandsSha256 = null } == fresh with { CommandsSha256 = null }
                    ? $"{host.Node}: step {index + 1} '{fresh}' would send different commands than the saved plan"
                    : $"{host.Node}: the steps differ from the saved plan at step {index + 1}: saved '{was?.ToString() ?? "(none)"}', now '{fresh?.ToString() ?? "(none)"}'");
            }
        }
        var current = now.Hosts.Select(host => host.Node).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(Hosts.Where(host => !current.Contains(host.Node)).Select(host => $"{host.Node}: in the saved plan but no longer in the playbook"));
        return problems;
    }
}

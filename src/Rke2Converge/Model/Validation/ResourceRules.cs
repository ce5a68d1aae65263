using Rke2Converge.Facts;
using Rke2Converge.Resources;
using Rke2Converge.Templates;

namespace Rke2Converge.Model.Validation;

/// <summary>
/// Each resource checks its own declaration; no resource may write a path rke2c manages (<see cref="ReservedPaths"/>),
/// two resources may not write one path however it is spelled, and a declared config.yaml.d drop-in may not set a
/// key rke2c manages. Problems point at the line that declared the resource.
/// </summary>
internal static class ResourceRules
{
    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        foreach (var scoped in model.Resources)
        {
            foreach (var message in scoped.Resource.Validate())
            {
                problems.Add(ValidationProblem.Error($"{message} ({scoped.Scope.Description})", scoped.Resource.DeclaredAt));
            }
            var node = scoped.Node is null ? null : model.Nodes.FirstOrDefault(n => n.Name == scoped.Node);
            var misplaced = node is not null ? !scoped.Resource.AppliesTo(node)
                : scoped.Role is { } role && !scoped.Resource.AppliesTo(Placeholder(role));
            if (misplaced)
            {
                problems.Add(ValidationProblem.Error($"{scoped.Resource.Key} does not belong on {scoped.Scope.Description}: manifests go on servers", scoped.Resource.DeclaredAt));
            }
            CheckReserved(scoped, node, problems);
            CheckDeclaredDropIn(scoped, problems);
        }
        foreach (var duplicate in model.Resources.GroupBy(r => (r.Scope.Id, r.Resource.Key)).Where(g => g.Count() > 1))
        {
            var second = duplicate.ElementAt(1).Resource;
            problems.Add(ValidationProblem.Error($"{second.Key} is declared twice ({duplicate.First().Scope.Description}); the first is at {duplicate.First().Resource.DeclaredAt?.ToString() ?? "an earlier line"}", second.DeclaredAt));
        }
        CheckOnePathOneResource(model, problems);
    }

    /// <summary>A node of <paramref name="role"/> for asking a role- or cluster-scope resource where it writes.</summary>
    private static NodeSpec Placeholder(NodeRole role) => new("", "", role, new SshSettings(), new Dictionary<string, string>(), new ConfigMap(), null);

    /// <summary>The nodes a declaration can land on: its node, a node of its role, or one of every role.</summary>
    private static IEnumerable<NodeSpec> Targets(ScopedResource scoped, NodeSpec? node) =>
        node is not null ? [node]
        : scoped.Role is { } role ? [Placeholder(role)]
        : Enum.GetValues<NodeRole>().Select(Placeholder);

    private static void CheckReserved(ScopedResource scoped, NodeSpec? node, List<ValidationProblem> problems)
    {
        var paths = Targets(scoped, node).Where(scoped.Resource.AppliesTo).SelectMany(scoped.Resource.PathsOn).Distinct(StringComparer.Ordinal);
        foreach (var conflict in paths.Select(path => ReservedPaths.Conflict(scoped.Resource, path)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            problems.Add(ValidationProblem.Error($"{scoped.Resource.Key} ({scoped.Scope.Description}): {conflict}; rke2c manages it, so the playbook may not write it", scoped.Resource.DeclaredAt));
        }
    }

    /// <summary>Two resources that write one path on a node (<c>/a</c> and <c>//a</c>, a File where a Manifest goes) would never converge.</summary>
    private static void CheckOnePathOneResource(ClusterModel model, List<ValidationProblem> problems)
    {
        var reported = new HashSet<(Resources.Resource, Resources.Resource)>();
        foreach (var node in model.Nodes)
        {
            var first = new Dictionary<string, Resources.Resource>(StringComparer.Ordinal);
            foreach (var resource in model.ResourcesFor(node))
            {
                foreach (var path in resource.PathsOn(node).Select(ResourcePaths.Normalize).Distinct(StringComparer.Ordinal))
                {
                    if (!first.TryAdd(path, resource) && first[path] is var earlier && !ReferenceEquals(earlier, resource) && reported.Add((earlier, resource)))
                    {
                        problems.Add(ValidationProblem.Error(
                            $"{resource.Key} writes {path}, as {earlier.Key} does (at {earlier.DeclaredAt?.ToString() ?? "an earlier line"}): one path, one resource",
                            resource.DeclaredAt));
                    }
                }
            }
        }
    }

    /// <summary>RKE2 reads a drop-in after config.yaml and its keys win: one may not set a key rke2c writes.</summary>
    private static void CheckDeclaredDropIn(ScopedResource scoped, List<ValidationProblem> problems)
    {
        if (scoped.Resource is not FileResource { Content: string content } file) return;
        var path = ResourcePaths.Normalize(file.Path);
        if (Path.GetDirectoryName(path) != Rke2Paths.ConfigDropInDirectory || !ConfigDropIn.IsReadByRke2(Path.GetFileName(path))) return;
        ConfigMap keys;
        try
        {
            keys = ConfigYamlReader.Parse(content, file.Key);
        }
        catch (InvalidDataException error)
        {
            problems.Add(ValidationProblem.Error($"{file.Key} ({scoped.Scope.Description}) is a config.yaml.d drop-in RKE2 cannot read: {error.Message}", file.DeclaredAt));
            return;
        }
        foreach (var key in keys.Keys.Where(key => ConfigRules.EngineOwned(key) is not null))
        {
            problems.Add(ValidationProblem.Error(
                $"{file.Key} ({scoped.Scope.Description}) sets config key {ConfigRules.Described(key)}, which is managed by rke2c: {ConfigRules.EngineOwned(key)}",
                file.DeclaredAt));
        }
    }
}

namespace Rke2Converge.Model.Validation;

/// <summary>Each resource checks its own declaration; problems point at the line that declared it.</summary>
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
                : scoped.Role is { } role && !scoped.Resource.AppliesTo(new NodeSpec("", "", role, new SshSettings(), new Dictionary<string, string>(), new ConfigMap(), null));
            if (misplaced)
            {
                problems.Add(ValidationProblem.Error($"{scoped.Resource.Key} does not belong on {scoped.Scope.Description}: manifests go on servers", scoped.Resource.DeclaredAt));
            }
        }
        foreach (var duplicate in model.Resources.GroupBy(r => (r.Scope.Id, r.Resource.Key)).Where(g => g.Count() > 1))
        {
            var second = duplicate.ElementAt(1).Resource;
            problems.Add(ValidationProblem.Error($"{second.Key} is declared twice ({duplicate.First().Scope.Description}); the first is at {duplicate.First().Resource.DeclaredAt?.ToString() ?? "an earlier line"}", second.DeclaredAt));
        }
    }
}

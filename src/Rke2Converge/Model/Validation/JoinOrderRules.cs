namespace Rke2Converge.Model.Validation;

/// <summary>The join order names every server exactly once, nothing else, and starts with a node that can bootstrap.</summary>
internal static class JoinOrderRules
{
    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        var servers = model.Nodes.Where(n => n.Role.IsServer()).ToList();
        var at = model.JoinOrderDeclaredAt;
        if (model.JoinOrder.Count == 0)
        {
            if (servers.Count > 0)
            {
                problems.Add(ValidationProblem.Error(
                    $"no join order declared: servers join one at a time, so declare JoinOrder({string.Join(", ", servers.Select(s => $"\"{s.Name}\""))})",
                    at ?? servers[0].DeclaredAt));
            }
            return;
        }

        var byName = model.Nodes.GroupBy(n => n.Name).ToDictionary(g => g.Key, g => g.First());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in model.JoinOrder)
        {
            if (!seen.Add(name))
            {
                problems.Add(ValidationProblem.Error($"join order names {Printable.Quote(name)} twice", at));
            }
            else if (!byName.TryGetValue(name, out var node))
            {
                problems.Add(ValidationProblem.Error($"join order names unknown node {Printable.Quote(name)}", at));
            }
            else if (!node.Role.IsServer())
            {
                problems.Add(ValidationProblem.Error(
                    $"join order names agent {Printable.Quote(name)}; only servers belong in it (agents join after all servers)", at));
            }
        }

        var missing = servers.Where(s => !seen.Contains(s.Name)).Select(s => s.Name).Distinct().ToList();
        if (missing.Count > 0)
        {
            problems.Add(ValidationProblem.Error($"join order leaves out servers: {string.Join(", ", missing)}", at));
        }

        if (byName.TryGetValue(model.JoinOrder[0], out var first) && first.Role == NodeRole.ControlPlaneOnly)
        {
            problems.Add(ValidationProblem.Error(
                $"join order starts with control-plane-only node '{first.Name}', which cannot bootstrap a cluster; "
                + "start with an Etcd(...) or Server(...) node", at));
        }
    }
}

using System.Text.RegularExpressions;

namespace Rke2Converge.Model.Validation;

/// <summary>Node names, addresses, SSH ports and that some node carries etcd.</summary>
internal static partial class NodeRules
{
    // Kubernetes node names must be RFC 1123 labels here: rke2 uses the name as the node object and etcd member name.
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc1123Label();

    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        if (model.Nodes.Count == 0)
        {
            problems.Add(ValidationProblem.Error(
                "no nodes declared: declare at least one Server(...), Etcd(...), ControlPlane(...) or Agent(...)", model.Sites.Cluster));
            return;
        }

        foreach (var node in model.Nodes)
        {
            if (string.IsNullOrWhiteSpace(node.Name))
            {
                problems.Add(ValidationProblem.Error("a node has an empty name", node.DeclaredAt));
            }
            else if (!Rfc1123Label().IsMatch(node.Name))
            {
                problems.Add(ValidationProblem.Error(
                    $"node name '{node.Name}' is not a valid RFC 1123 label: use lowercase letters, digits and '-', "
                    + "start and end with a letter or digit, at most 63 characters", node.DeclaredAt));
            }
            if (string.IsNullOrWhiteSpace(node.Address))
            {
                problems.Add(ValidationProblem.Error($"node '{node.Name}' has no address", node.DeclaredAt));
            }
            if (SshPorts.IsOutOfRange(node.Ssh.Port))
            {
                problems.Add(ValidationProblem.Error(
                    $"node '{node.Name}' ssh port {node.Ssh.Port} is out of range (1-65535)", node.DeclaredAt));
            }
        }

        foreach (var sameName in model.Nodes.Where(n => !string.IsNullOrWhiteSpace(n.Name)).GroupBy(n => n.Name).Where(g => g.Count() > 1))
        {
            var nodes = sameName.ToList();
            problems.Add(ValidationProblem.Error(
                $"node name '{sameName.Key}' is declared {nodes.Count} times{Where(nodes)}", nodes[1].DeclaredAt));
        }

        var addressed = model.Nodes.Where(n => !string.IsNullOrWhiteSpace(n.Address));
        foreach (var sameAddress in addressed.GroupBy(n => n.Address.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var nodes = sameAddress.ToList();
            problems.Add(ValidationProblem.Error(
                $"nodes {string.Join(", ", nodes.Select(n => n.Name))} share address {sameAddress.Key}", nodes[1].DeclaredAt));
        }

        if (!model.Nodes.Any(n => n.Role.CarriesEtcd()))
        {
            problems.Add(ValidationProblem.Error(
                "no node carries etcd: declare at least one Server(...) or Etcd(...) node", model.Sites.Cluster));
        }
    }

    private static string Where(IEnumerable<NodeSpec> nodes)
    {
        var sites = nodes.Select(n => n.DeclaredAt).OfType<SourceLocation>().ToList();
        return sites.Count == 0 ? "" : $" (at {string.Join(", ", sites)})";
    }
}

namespace Rke2Converge.Model.Validation;

/// <summary>Node names, addresses, SSH settings and that some node carries etcd.</summary>
internal static class NodeRules
{
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
            else if (!Grammar.IsNodeName(node.Name))
            {
                problems.Add(ValidationProblem.Error(
                    $"node name {Printable.Quote(node.Name)} is not a valid RFC 1123 label: use lowercase letters, digits and '-', "
                    + "start and end with a letter or digit, at most 63 characters", node.DeclaredAt));
            }
            if (string.IsNullOrWhiteSpace(node.Address))
            {
                problems.Add(ValidationProblem.Error($"node {Printable.Quote(node.Name)} has no address", node.DeclaredAt));
            }
            else if (!Grammar.IsAddress(node.Address))
            {
                problems.Add(ValidationProblem.Error(
                    $"node {Printable.Quote(node.Name)} address {Printable.Quote(node.Address)} is not a host name or IP address", node.DeclaredAt));
            }
            if (SshPorts.IsOutOfRange(node.Ssh.Port))
            {
                problems.Add(ValidationProblem.Error(
                    $"node '{node.Name}' ssh port {node.Ssh.Port} is out of range (1-65535)", node.DeclaredAt));
            }
            SshRules.Check(node.Ssh, $"node {Printable.Quote(node.Name)} ssh", model.Sites.NodeSsh(node.Name) ?? node.DeclaredAt, problems);
        }

        foreach (var sameName in model.Nodes.Where(n => !string.IsNullOrWhiteSpace(n.Name)).GroupBy(n => n.Name).Where(g => g.Count() > 1))
        {
            var nodes = sameName.ToList();
            problems.Add(ValidationProblem.Error(
                $"node name {Printable.Quote(sameName.Key)} is declared {nodes.Count} times{Where(nodes)}", nodes[1].DeclaredAt));
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

namespace Rke2Converge.Model.Validation;

/// <summary>A node marked with Remove(...): a valid name and address, and not also declared as a node to converge.</summary>
internal static class RemovalRules
{
    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        foreach (var removal in model.Removals)
        {
            if (!Grammar.IsNodeName(removal.Name))
                problems.Add(ValidationProblem.Error($"Remove: node name {Printable.Quote(removal.Name)} is not a valid RFC 1123 label", removal.DeclaredAt));
            if (removal.Address is { } address && !Grammar.IsAddress(address))
                problems.Add(ValidationProblem.Error($"Remove: address {Printable.Quote(address)} of node {Printable.Quote(removal.Name)} is not a host name or IP address", removal.DeclaredAt));
            if (model.Nodes.FirstOrDefault(n => n.Name == removal.Name) is { } declared)
            {
                problems.Add(ValidationProblem.Error(
                    $"node {Printable.Quote(removal.Name)} is declared{(declared.DeclaredAt is { } at ? $" at {at}" : "")} and marked for removal: drop its declaration, apply would install it again",
                    removal.DeclaredAt));
            }
        }
    }
}

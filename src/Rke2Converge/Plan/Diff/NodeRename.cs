namespace Rke2Converge.Plan.Diff;

/// <summary>
/// A host that already runs RKE2 under one node name, declared under another. RKE2 registers a node under the name
/// it starts with (config.yaml <c>node-name</c>) and never renames one: restarting with a new name adds a second node
/// (for a server, a second etcd member, named NAME-&lt;hex&gt;) and leaves the old one NotReady beside it. So rke2c
/// refuses and says how: remove the old node, then add the new one.
/// </summary>
internal static class NodeRename
{
    public static string Refusal(string running, string wanted, string address) =>
        $"renaming a node: this host runs RKE2 as node '{running}', the playbook names it '{wanted}'. RKE2 does not rename nodes: "
        + $"restarting it as '{wanted}' would register a second node (for a server a second etcd member) and leave '{running}' NotReady. "
        + $"To rename it: replace its declaration with Remove(\"{running}\", \"{address}\") and run rke2c remove, "
        + $"then declare it as '{wanted}' and run rke2c apply (it joins as a new node). Or keep the name '{running}' in the playbook.";
}

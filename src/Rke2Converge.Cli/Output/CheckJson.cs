using System.Text.Json.Nodes;
using Rke2Converge.Gates;
using Rke2Converge.Model;

namespace Rke2Converge.Cli.Output;

/// <summary><c>rke2c check -o json</c>: each node's gates, in the order a rollout passes them, with what each saw.</summary>
internal static class CheckJson
{
    public static JsonObject Document(string cluster, string? limit, IReadOnlyList<NodeCheck> nodes) => new()
    {
        ["schemaVersion"] = JsonSchemaVersion.Current,
        ["cluster"] = cluster,
        ["limit"] = limit,
        ["passed"] = nodes.All(node => node.Passed),
        ["nodes"] = new JsonArray([.. nodes.Select(node => (JsonNode)new JsonObject
        {
            ["node"] = node.Node,
            ["role"] = node.Role.DisplayName(),
            ["outcome"] = node.Passed ? "ok" : node.Unreachable ? "unreachable" : "failing",
            ["gates"] = new JsonArray([.. node.Gates.Select(gate => (JsonNode)new JsonObject
            {
                ["gate"] = gate.Gate,
                ["outcome"] = gate.Passed ? "pass" : gate.Skipped ? "skipped" : "fail",
                ["observed"] = gate.Observed,
            })]),
        })]),
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Rke2Converge.Rollout;

namespace Rke2Converge.Cli.Output;

/// <summary>How every command writes its one JSON document to stdout, and the parts several documents share.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Text(JsonObject document) => document.ToJsonString(Indented);

    public static void Write(JsonObject document) => Console.Out.WriteLine(Text(document));

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(value => (JsonNode)JsonValue.Create(value))]);

    /// <summary>With --dry-run, each command that was not run (already redacted by the executor); otherwise null.</summary>
    public static JsonArray? DryRunSteps(IReadOnlyList<DryRunStep>? steps) => steps is null ? null : new JsonArray([.. steps.Select(step => (JsonNode)new JsonObject
    {
        ["node"] = step.Node,
        ["description"] = step.Description,
        ["command"] = step.CommandLine,
        ["stdin"] = step.Input,
        ["diff"] = step.Diff,
    })]);
}

using System.Text.Json.Nodes;
using Rke2Converge.AdHoc;

namespace Rke2Converge.Cli.Output;

/// <summary>
/// <c>rke2c exec -o json</c>: each node's outcome, exit code and output as the command printed it (JSON escapes
/// every control character). The command line itself is not written, only its hash: it is the operator's text and may
/// carry a secret.
/// </summary>
internal static class ExecJson
{
    public static JsonObject Document(string cluster, string? limit, AdHocRunner runner, AdHocCommand command, IReadOnlyList<AdHocNodeResult> results) => new()
    {
        ["schemaVersion"] = JsonSchemaVersion.Current,
        ["cluster"] = cluster,
        ["limit"] = limit,
        ["commandHash"] = command.ShortHash,
        ["serial"] = runner.Serial,
        ["parallel"] = runner.Parallel,
        ["timeoutSeconds"] = command.Timeout.TotalSeconds,
        ["succeeded"] = results.All(r => r.Succeeded),
        ["nodes"] = new JsonArray([.. results.Select(result => (JsonNode)new JsonObject
        {
            ["node"] = result.Node,
            ["outcome"] = result.Outcome,
            ["exitCode"] = result.ExitCode,
            ["stdout"] = result.Stdout,
            ["stderr"] = result.Stderr,
            ["error"] = result.Error,
            ["elapsedMs"] = (long)result.Elapsed.TotalMilliseconds,
        })]),
    };
}

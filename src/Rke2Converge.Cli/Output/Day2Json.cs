using System.Text.Json.Nodes;
using Rke2Converge.KeyRotation;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Rendering;
using Rke2Converge.Removal;
using Rke2Converge.Rollout;

namespace Rke2Converge.Cli.Output;

/// <summary>
/// The JSON documents of the day-2 commands (remove, reset, secrets-encrypt status and rotate), shaped like apply's:
/// what would run, then a <c>result</c> that is null when nothing ran. Only names, steps, stages and shortened hashes
/// are written: never a token or a key (dry-run command lines come already redacted from the executor).
/// </summary>
internal static class Day2Json
{
    /// <param name="result">Null when a removal was refused and nothing ran.</param>
    public static JsonObject Remove(string cluster, string? kubectlHost, IReadOnlyList<RemovalPlan> plans, IReadOnlyList<Day2NodeResult>? result, IReadOnlyList<DryRunStep>? dryRun) => new()
    {
        ["schemaVersion"] = JsonSchemaVersion.Current,
        ["cluster"] = cluster,
        ["kubectlHost"] = kubectlHost,
        ["removals"] = new JsonArray([.. plans.Select(plan => (JsonNode)new JsonObject
        {
            ["node"] = plan.Node,
            ["refusal"] = plan.Refusal,
            ["notes"] = JsonOutput.Strings(plan.Notes),
            ["steps"] = new JsonArray([.. plan.Steps.Select(step => (JsonNode)new JsonObject
            {
                ["kind"] = step.Planned.KindName,
                ["description"] = step.Planned.Description,
                ["target"] = step.Planned.Target,
                ["host"] = step.Host,
            })]),
        })]),
        ["result"] = Result(result, dryRun),
    };

    /// <param name="result">Null when nothing ran.</param>
    public static JsonObject Reset(string cluster, IReadOnlyList<string> order, IReadOnlyList<Day2NodeResult>? result, IReadOnlyList<DryRunStep>? dryRun) => new()
    {
        ["schemaVersion"] = JsonSchemaVersion.Current,
        ["cluster"] = cluster,
        ["order"] = JsonOutput.Strings(order),
        ["result"] = Result(result, dryRun),
    };

    /// <summary>The status as read on <see cref="EncryptionStatus.Server"/>; each server's hash in its short form (stage and 12 hex digits).</summary>
    public static JsonObject Status(string cluster, EncryptionStatus status, IReadOnlyList<RotationServer> servers, IReadOnlyList<string> problems)
    {
        var mismatched = status.MismatchedServers;
        return new JsonObject
        {
            ["schemaVersion"] = JsonSchemaVersion.Current,
            ["cluster"] = cluster,
            ["server"] = status.Server,
            ["enabled"] = status.Enabled,
            ["stage"] = status.Stage,
            ["atRest"] = status.AtRest,
            ["hashesMatch"] = status.HashesMatch,
            ["hashError"] = status.HashError,
            ["servers"] = new JsonArray([.. servers.Select(server => (JsonNode)new JsonObject
            {
                ["node"] = server.Name,
                ["role"] = server.Role.DisplayName(),
                ["hash"] = status.Hashes.TryGetValue(server.Name, out var hash) ? EncryptionStatus.Short(hash) : null,
                ["needsRestart"] = mismatched.Contains(server.Name),
            })]),
            ["problems"] = JsonOutput.Strings(problems),
        };
    }

    /// <param name="plan">Null when the cluster could not be planned (the lock was refused).</param>
    /// <param name="procedure">Null when rke2c refused to rotate; then <paramref name="result"/> is null too.</param>
    public static JsonObject Rotate(ClusterPlan plan, EncryptionStatus? status, RotationProcedure? procedure, RotationResult? result, IReadOnlyList<DryRunStep>? dryRun) => new()
    {
        ["schemaVersion"] = JsonSchemaVersion.Current,
        ["plan"] = JsonNode.Parse(PlanJsonWriter.ToJson(plan)),
        ["rotation"] = procedure is null || status is null ? null : new JsonObject
        {
            ["server"] = status.Server,
            ["stage"] = status.Stage,
            ["path"] = procedure.Path,
            ["notes"] = JsonOutput.Strings(procedure.Notes),
            ["steps"] = JsonOutput.Strings(procedure.Steps.Select(step => step.Describe())),
        },
        ["result"] = result is null ? null : new JsonObject
        {
            ["succeeded"] = result.Succeeded,
            ["stoppedAt"] = result.StoppedAt,
            ["error"] = result.Error,
            ["dryRun"] = JsonOutput.DryRunSteps(dryRun),
        },
    };

    private static JsonObject? Result(IReadOnlyList<Day2NodeResult>? nodes, IReadOnlyList<DryRunStep>? dryRun) => nodes is null ? null : new JsonObject
    {
        ["succeeded"] = nodes.All(node => node.Outcome != Day2NodeResult.Failed && node.Outcome != Day2NodeResult.NotReached),
        ["nodes"] = new JsonArray([.. nodes.Select(node => (JsonNode)new JsonObject
        {
            ["node"] = node.Node,
            ["outcome"] = node.Outcome,
            ["output"] = node.Output,
            ["error"] = node.Error,
        })]),
        ["dryRun"] = JsonOutput.DryRunSteps(dryRun),
    };
}

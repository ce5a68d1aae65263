using System.Text.Json;
using Json.Schema;
using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Cli;

/// <summary>The JSON Schemas published in schemas/, loaded from the repository as a user's validator would read them.</summary>
public static class PublishedSchemas
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonSchema>> Schemas = new(Load);

    /// <summary>Asserts the document is valid against schemas/NAME.schema.json, naming every error otherwise.</summary>
    public static void AssertValid(string name, string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = Schemas.Value[name].Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(results.IsValid, $"{name} output does not match schemas/{name}.schema.json:\n{Describe(results)}\n--- document\n{json}");
        Assert.Equal(1, document.RootElement.GetProperty("schemaVersion").GetInt32());
    }

    private static string Describe(EvaluationResults results) => string.Join("\n",
        (results.Details ?? []).Prepend(results)
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Key}: {error.Value}")));

    private static IReadOnlyDictionary<string, JsonSchema> Load()
    {
        var directory = Path.Combine(LabEnvironment.RepoRoot, "schemas");
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        // plan first: apply's schema refers to it by relative path.
        return new[] { "validate", "plan", "apply", "remove", "reset", "secrets-encrypt-status", "secrets-encrypt-rotate", "exec", "check", "etcd-snapshot-list", "restore" }.ToDictionary(
            name => name,
            name => JsonSchema.FromFile(Path.Combine(directory, $"{name}.schema.json"), options),
            StringComparer.Ordinal);
    }
}

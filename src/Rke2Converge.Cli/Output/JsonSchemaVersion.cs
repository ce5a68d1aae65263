using Rke2Converge.Plan.Rendering;

namespace Rke2Converge.Cli.Output;

/// <summary>
/// The "schemaVersion" every JSON document rke2c prints carries; the shapes are published in schemas/*.schema.json.
/// </summary>
internal static class JsonSchemaVersion
{
    public const int Current = PlanJsonWriter.SchemaVersion;
}

using System.Text.Json.Serialization;
using LabSystemd.Units;

namespace LabSystemd.State;

/// <summary>The JSON shapes labsystemd keeps on disk, generated at compile time (labsystemd is compiled ahead of time).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(UnitState))]
[JsonSerializable(typeof(List<UnitSource>))]
internal sealed partial class LabJson : JsonSerializerContext;

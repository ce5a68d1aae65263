using System.Text;
using System.Text.Json.Nodes;

namespace Rke2Sim.Cluster;

/// <summary>
/// kubectl's typed clients send built-in objects as <c>application/vnd.kubernetes.protobuf</c> (client-go forces
/// protobuf for them and falls back to JSON only from CBOR). This reads the envelope (apimachinery
/// pkg/runtime/serializer/protobuf: the magic <c>k8s\0</c>, then runtime.Unknown {typeMeta=1, raw=2}) and the fields
/// of the objects the simulator accepts, by the field numbers of k8s.io/api's generated.proto (Deployment,
/// PodDisruptionBudget), into the JSON shape the handlers read. Other kinds (Eviction, SelfSubjectAccessReview) need
/// nothing from their body here: their kind alone is returned.
/// </summary>
public static class KubeProtobuf
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static bool IsProtobuf(string? contentType) =>
        contentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The object as JSON, or null when the bytes are not a Kubernetes protobuf envelope.</summary>
    public static JsonObject? ToJson(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return null;
        var unknown = Fields(body.AsSpan(Magic.Length).ToArray());
        var typeMeta = Fields(Bytes(unknown, 1));
        var (apiVersion, kind) = (Text(typeMeta, 1), Text(typeMeta, 2));
        var raw = Fields(Bytes(unknown, 2));
        var json = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = Metadata(Bytes(raw, 1)) };
        var spec = Fields(Bytes(raw, 2));
        switch (kind)
        {
            case "Deployment":
                var template = Fields(Bytes(spec, 3));
                var podSpec = Fields(Bytes(template, 2));
                var containers = new JsonArray();
                foreach (var container in All(podSpec, 2).Select(Fields)) containers.Add(new JsonObject { ["name"] = Text(container, 1), ["image"] = Text(container, 2) });
                json["spec"] = new JsonObject
                {
                    ["replicas"] = spec.Any(f => f.Number == 1) ? (int)Varint(spec, 1) : 1,
                    ["selector"] = Selector(Bytes(spec, 2)),
                    ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = containers } },
                };
                break;
            case "PodDisruptionBudget":
                var budget = new JsonObject { ["selector"] = Selector(Bytes(spec, 2)) };
                if (IntOrString(spec, 1) is { } min) budget["minAvailable"] = min;
                if (IntOrString(spec, 3) is { } max) budget["maxUnavailable"] = max;
                json["spec"] = budget;
                break;
        }
        return json;
    }

    private static JsonObject Metadata(byte[] bytes)
    {
        var fields = Fields(bytes);
        var metadata = new JsonObject { ["name"] = Text(fields, 1) };
        if (Text(fields, 3) is { Length: > 0 } ns) metadata["namespace"] = ns;
        return metadata;
    }

    /// <summary>LabelSelector {matchLabels=1 (map entries {key=1, value=2})}.</summary>
    private static JsonObject Selector(byte[] bytes)
    {
        var labels = new JsonObject();
        foreach (var entry in All(Fields(bytes), 1).Select(Fields)) labels[Text(entry, 1)] = Text(entry, 2);
        return new JsonObject { ["matchLabels"] = labels };
    }

    /// <summary>IntOrString {type=1 (0 int, 1 string), intVal=2, strVal=3}.</summary>
    private static JsonNode? IntOrString(List<Field> fields, int number)
    {
        if (!fields.Any(f => f.Number == number)) return null;
        var value = Fields(Bytes(fields, number));
        return Varint(value, 1) == 1 ? JsonValue.Create(Text(value, 3)) : JsonValue.Create((int)Varint(value, 2));
    }

    private sealed record Field(int Number, ulong Varint, byte[] Bytes);

    private static List<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        var at = 0;
        while (at < message.Length)
        {
            var key = ReadVarint(message, ref at);
            var (number, wire) = ((int)(key >> 3), (int)(key & 7));
            switch (wire)
            {
                case 0: fields.Add(new(number, ReadVarint(message, ref at), [])); break;
                case 1: at += 8; break;
                case 2:
                    var length = (int)ReadVarint(message, ref at);
                    if (length < 0 || at + length > message.Length) throw new FormatException("protobuf: length past the end");
                    fields.Add(new(number, 0, message[at..(at + length)]));
                    at += length;
                    break;
                case 5: at += 4; break;
                default: throw new FormatException($"protobuf: wire type {wire}");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(byte[] bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= bytes.Length) throw new FormatException("protobuf: truncated varint");
            var b = bytes[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("protobuf: varint too long");
    }

    private static byte[] Bytes(List<Field> fields, int number) => fields.LastOrDefault(f => f.Number == number)?.Bytes ?? [];

    private static IEnumerable<byte[]> All(List<Field> fields, int number) => fields.Where(f => f.Number == number).Select(f => f.Bytes);

    private static string Text(List<Field> fields, int number) => Encoding.UTF8.GetString(Bytes(fields, number));

    private static ulong Varint(List<Field> fields, int number) => fields.LastOrDefault(f => f.Number == number)?.Varint ?? 0;
}

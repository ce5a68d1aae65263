namespace Rke2Converge.Resources;

/// <summary>The records one resource's fact fragment printed, in order, each split into fields.</summary>
internal sealed class ResourceRecords(string resourceKey, IReadOnlyList<string[]> records)
{
    private int _next;

    public string ResourceKey { get; } = resourceKey;

    public IReadOnlyList<string[]> All { get; } = records;

    /// <summary>The next record, which must start with <paramref name="tag"/>.</summary>
    public string[] Next(string tag)
    {
        if (_next >= All.Count) throw Error($"expected a '{tag}' record, found none");
        var record = All[_next++];
        return record.Length > 0 && record[0] == tag ? record : throw Error($"expected a '{tag}' record, found '{string.Join(' ', record)}'");
    }

    /// <summary>The next record's tag, or null when all were read.</summary>
    public string? PeekTag() => _next < All.Count && All[_next].Length > 0 ? All[_next][0] : null;

    public string Field(string[] record, int index) =>
        index < record.Length ? record[index] : throw Error($"'{record[0]}' record is incomplete");

    public string Text(string base64) => Facts.FactParser.DecodeField(base64, Error);

    public ResourceRecordException Error(string problem) => new($"{ResourceKey}: {problem}");
}

/// <summary>A resource's fact records are malformed; the fact parser reports it with the node.</summary>
internal sealed class ResourceRecordException(string message) : Exception(message);

namespace Rke2Converge.Facts;

/// <summary>
/// One line of fact output, <c>TAG FIELD...</c>, with the helpers every reader of it needs: fields are checked for
/// count and decoded from base64, and every error names the node and the line.
/// </summary>
internal sealed class FactRecord(string node, int lineNumber, string[] fields)
{
    public string Tag => fields[0];

    /// <summary>Number of fields after the tag.</summary>
    public int Count => fields.Length - 1;

    /// <summary>Field <paramref name="index"/> (1 is the first after the tag), as it came.</summary>
    public string Raw(int index) => index < fields.Length ? fields[index] : throw Error($"'{Short(Tag)}' record is incomplete");

    /// <summary>Fields from <paramref name="index"/> on, joined by single spaces (empty when there are none).</summary>
    public string Rest(int index) => index < fields.Length ? string.Join(' ', fields[index..]) : "";

    /// <summary>Field <paramref name="index"/> decoded from base64 as UTF-8.</summary>
    public string Text(int index) => FactParser.DecodeField(Raw(index), Error);

    /// <summary>The record has exactly <paramref name="count"/> fields after the tag.</summary>
    public FactRecord Expect(int count) =>
        Count == count ? this : throw Error($"'{Short(Tag)}' record has {Count} fields, expected {count}");

    /// <summary>
    /// <c>TAG present BASE64</c> (the text) or <c>TAG missing</c> (null), as <c>file_record</c> prints them; a symbolic
    /// link where a managed file should be (<c>TAG link PATH</c>, from <c>managed_record</c>) makes the host's facts unusable.
    /// </summary>
    public string? Optional() => (Raw(1), fields.Length) switch
    {
        ("present", 3) => Text(2),
        ("missing", 2) => null,
        ("link", 3) => throw Error($"{Model.Validation.Printable.Quote(Text(2))} is a symbolic link where rke2c keeps a file it manages; "
            + "rke2c does not follow it to read or write: remove the link"),
        _ => throw Error($"malformed '{Short(Tag)}' record"),
    };

    public FactParseException Error(string problem) => new(node, $"line {lineNumber}: {problem}");

    public static string Short(string text) => FactParser.Truncate(text);
}

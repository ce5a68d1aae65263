using System.Globalization;
using System.Text.RegularExpressions;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// Ansible's host ranges: <c>web[01:03].example.com</c> is web01, web02 and web03 (leading zeros kept),
/// <c>db-[a:c]</c> is db-a, db-b and db-c, and <c>[0:10:5]</c> steps by 5; several ranges in one name multiply.
/// </summary>
internal static partial class HostPattern
{
    /// <summary>More hosts than this from one pattern is taken as a typo, not a fleet.</summary>
    public const int MaxHosts = 10_000;

    [GeneratedRegex(@"\[(?<from>[0-9]+|[a-zA-Z]):(?<to>[0-9]+|[a-zA-Z])(?::(?<step>[0-9]+))?\]")]
    private static partial Regex Range();

    public static IReadOnlyList<string> Expand(string pattern, SourceLocation at)
    {
        var match = Range().Match(pattern);
        if (!match.Success) return [pattern];
        var head = pattern[..match.Index];
        var tails = Expand(pattern[(match.Index + match.Length)..], at);
        var from = match.Groups["from"].Value;
        var to = match.Groups["to"].Value;
        var step = match.Groups["step"].Success ? int.Parse(match.Groups["step"].Value, CultureInfo.InvariantCulture) : 1;
        if (step < 1) throw new PlaybookException($"host range {Quote(match.Value)} has a step of 0", at);
        var items = Items(from, to, match.Value, step, at);
        if ((long)items.Count * tails.Count > MaxHosts)
        {
            throw new PlaybookException($"host pattern {Quote(pattern)} names more than {MaxHosts} hosts", at);
        }
        return [.. items.SelectMany(item => tails.Select(tail => head + item + tail))];
    }

    private static List<string> Items(string from, string to, string range, int step, SourceLocation at)
    {
        var numeric = char.IsAsciiDigit(from[0]);
        if (numeric != char.IsAsciiDigit(to[0])) throw new PlaybookException($"host range {Quote(range)} mixes letters and numbers", at);
        if (!numeric)
        {
            if (from[0] > to[0]) throw new PlaybookException($"host range {Quote(range)} runs backwards", at);
            return [.. Enumerable.Range(from[0], to[0] - from[0] + 1).Where((_, index) => index % step == 0).Select(c => ((char)c).ToString())];
        }
        if (!long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out var end))
        {
            throw new PlaybookException($"host range {Quote(range)} is out of range", at);
        }
        if (start > end) throw new PlaybookException($"host range {Quote(range)} runs backwards", at);
        if ((end - start) / step + 1 > MaxHosts) throw new PlaybookException($"host range {Quote(range)} names more than {MaxHosts} hosts", at);
        // A leading zero pads every number to the width written ("[01:10]" is 01 ... 10).
        var width = from.Length > 1 && from[0] == '0' ? from.Length : 0;
        var items = new List<string>();
        for (var number = start; number <= end; number += step) items.Add(number.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'));
        return items;
    }

    private static string Quote(string text) => Model.Validation.Printable.Quote(text);
}

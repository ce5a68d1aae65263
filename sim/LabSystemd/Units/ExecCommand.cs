using System.Text;
using System.Text.RegularExpressions;

namespace LabSystemd.Units;

/// <summary>One ExecStart=/ExecStartPre= line, split with systemd's quoting rules.</summary>
public sealed partial record ExecCommand(IReadOnlyList<string> Words, bool IgnoreFailure, bool ExpandEnvironment)
{
    public string Path => Words[0];

    /// <summary>Parses the value of an Exec*= line (specifiers already resolved). Null when it is empty.</summary>
    public static ExecCommand? Parse(string value)
    {
        var words = CommandLineSplitter.Split(value);
        if (words.Count == 0) return null;
        var first = words[0];
        var prefixEnd = 0;
        while (prefixEnd < first.Length && "-@:+!|".Contains(first[prefixEnd])) prefixEnd++;
        var prefixes = first[..prefixEnd];
        var path = first[prefixEnd..];
        if (path.Length == 0)
        {
            if (words.Count == 1) throw new FormatException($"Exec line '{value}' has no program");
            path = words[1];
            words.RemoveAt(1);
        }
        words[0] = path;
        // "@" passes the next word as argv[0]; the lab cannot set argv[0], so it is dropped.
        if (prefixes.Contains('@') && words.Count > 1) words.RemoveAt(1);
        return new ExecCommand(words, prefixes.Contains('-'), !prefixes.Contains(':'));
    }

    /// <summary>
    /// Applies $VAR / ${VAR} like systemd: ${VAR} is substituted inside a word, a word that is exactly $VAR is split
    /// on whitespace into several words, unknown variables expand to nothing, "$$" is a literal "$".
    /// </summary>
    public IReadOnlyList<string> Expand(IReadOnlyDictionary<string, string> environment)
    {
        if (!ExpandEnvironment) return Words;
        var result = new List<string> { Words[0] };
        foreach (var word in Words.Skip(1))
        {
            var whole = WholeVariable().Match(word);
            if (whole.Success)
            {
                var value = environment.GetValueOrDefault(whole.Groups[1].Value, "");
                result.AddRange(value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                continue;
            }
            result.Add(BracedVariable().Replace(word, m =>
                m.Value == "$$" ? "$" : environment.GetValueOrDefault(m.Groups[1].Value, "")));
        }
        return result;
    }

    public override string ToString() => string.Join(' ', Words);

    [GeneratedRegex(@"^\$([A-Za-z_][A-Za-z0-9_]*)$")]
    private static partial Regex WholeVariable();

    [GeneratedRegex(@"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex BracedVariable();
}

/// <summary>systemd's word splitting for command lines: whitespace, '…' and "…" quoting, C-style escapes.</summary>
public static class CommandLineSplitter
{
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                i++;
                continue;
            }
            inWord = true;
            if (c is '"' or '\'')
            {
                var quote = c;
                i++;
                while (true)
                {
                    if (i >= line.Length) throw new FormatException($"Unbalanced quoting in '{line}'");
                    if (line[i] == quote) { i++; break; }
                    if (line[i] == '\\') { i = AppendEscape(line, i, current); continue; }
                    current.Append(line[i++]);
                }
                continue;
            }
            if (c == '\\') { i = AppendEscape(line, i, current); continue; }
            current.Append(c);
            i++;
        }
        if (inWord) words.Add(current.ToString());
        return words;
    }

    /// <summary>Appends the escape starting at line[i] (a backslash) and returns the index after it.</summary>
    private static int AppendEscape(string line, int i, StringBuilder current)
    {
        if (i + 1 >= line.Length) throw new FormatException($"Trailing backslash in '{line}'");
        var next = line[i + 1];
        switch (next)
        {
            case 'n': current.Append('\n'); return i + 2;
            case 't': current.Append('\t'); return i + 2;
            case 'r': current.Append('\r'); return i + 2;
            case 'a': current.Append('\a'); return i + 2;
            case 'b': current.Append('\b'); return i + 2;
            case 'f': current.Append('\f'); return i + 2;
            case 'v': current.Append('\v'); return i + 2;
            case 's': current.Append(' '); return i + 2;
            case 'x' when i + 3 < line.Length:
                current.Append((char)Convert.ToInt32(line.Substring(i + 2, 2), 16));
                return i + 4;
            default:
                current.Append(next); // \\ \" \' \$ and anything else stand for themselves
                return i + 2;
        }
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rke2Sim.Cli.Kubectl;

/// <summary>
/// The subset of kubectl's JSONPath templates operators use: <c>{.a.b}</c>, <c>[n]</c>, <c>[*]</c>,
/// <c>[?(@.k=="v")]</c>, <c>{range ...}{end}</c> and quoted literals like <c>{"\n"}</c>.
/// </summary>
public static class JsonPath
{
    public static string Evaluate(string template, JsonNode? root)
    {
        var tokens = Tokenize(template);
        var position = 0;
        var output = new StringBuilder();
        Render(tokens, ref position, [root], root, output, stopAtEnd: false);
        return output.ToString();
    }

    private static void Render(List<(bool IsExpr, string Text)> tokens, ref int position, List<JsonNode?> current, JsonNode? root, StringBuilder output, bool stopAtEnd)
    {
        while (position < tokens.Count)
        {
            var (isExpr, text) = tokens[position++];
            if (!isExpr)
            {
                output.Append(text);
                continue;
            }
            var expr = text.Trim();
            if (expr == "end")
            {
                if (stopAtEnd) return;
                throw new FormatException("unexpected {end}");
            }
            if (expr.StartsWith("range ", StringComparison.Ordinal))
            {
                var items = Select(expr[6..].Trim(), current, root);
                var bodyStart = position;
                if (items.Count == 0)
                {
                    SkipToEnd(tokens, ref position);
                    continue;
                }
                foreach (var item in items)
                {
                    position = bodyStart;
                    Render(tokens, ref position, [item], root, output, stopAtEnd: true);
                }
                continue;
            }
            if (expr.Length >= 2 && expr[0] == '"' && expr[^1] == '"')
            {
                output.Append(expr[1..^1].Replace("\\n", "\n").Replace("\\t", "\t"));
                continue;
            }
            var values = Select(expr, current, root);
            output.Append(string.Join(" ", values.Select(Format)));
        }
    }

    private static void SkipToEnd(List<(bool IsExpr, string Text)> tokens, ref int position)
    {
        var depth = 1;
        while (position < tokens.Count && depth > 0)
        {
            var (isExpr, text) = tokens[position++];
            if (!isExpr) continue;
            var expr = text.Trim();
            if (expr.StartsWith("range ", StringComparison.Ordinal)) depth++;
            else if (expr == "end") depth--;
        }
    }

    private static string Format(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    /// <summary>Evaluates a path like <c>.status.conditions[?(@.type=="Ready")].status</c> against the current nodes.</summary>
    public static List<JsonNode?> Select(string path, List<JsonNode?> current, JsonNode? root)
    {
        var nodes = path.StartsWith('$') ? [root] : current;
        var i = path.StartsWith('$') || path.StartsWith('@') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                var field = new StringBuilder();
                while (i < path.Length && path[i] != '.' && path[i] != '[')
                {
                    // kubectl's escaped dot: {.metadata.annotations.rke2\.io/encryption-config-hash}
                    if (path[i] == '\\' && i + 1 < path.Length && path[i + 1] == '.') i++;
                    field.Append(path[i++]);
                }
                var name = field.ToString();
                if (name.Length == 0) continue;
                nodes = nodes.Select(n => n is JsonObject o && o.TryGetPropertyValue(name, out var v) ? v : null)
                    .Where(n => n is not null).ToList();
            }
            else if (path[i] == '[')
            {
                var close = FindClose(path, i);
                var inside = path[(i + 1)..close];
                i = close + 1;
                nodes = ApplyBracket(inside, nodes, root);
            }
            else
            {
                throw new FormatException($"unrecognized character in jsonpath at {i}: {path}");
            }
        }
        return nodes;
    }

    private static List<JsonNode?> ApplyBracket(string inside, List<JsonNode?> nodes, JsonNode? root)
    {
        if (inside == "*")
            return nodes.SelectMany(n => n switch
            {
                JsonArray a => a.ToList(),
                JsonObject o => o.Select(kv => kv.Value).ToList(),
                _ => [],
            }).ToList();
        if (int.TryParse(inside, out var index))
            return nodes.Select(n => n is JsonArray a ? (index >= 0 && index < a.Count ? a[index] : null) : null).Where(n => n is not null).ToList();
        if (inside.Length >= 2 && (inside[0] == '\'' || inside[0] == '"'))
        {
            var key = inside[1..^1];
            return nodes.Select(n => n is JsonObject o && o.TryGetPropertyValue(key, out var v) ? v : null).Where(n => n is not null).ToList();
        }
        if (inside.StartsWith("?(", StringComparison.Ordinal) && inside.EndsWith(')'))
        {
            var condition = inside[2..^1];
            var items = nodes.SelectMany(n => n is JsonArray a ? a.ToList() : [n]).ToList();
            return items.Where(item => Matches(condition, item, root)).ToList();
        }
        throw new FormatException($"unsupported jsonpath subscript [{inside}]");
    }

    private static bool Matches(string condition, JsonNode? item, JsonNode? root)
    {
        foreach (var op in new[] { "==", "!=" })
        {
            var at = condition.IndexOf(op, StringComparison.Ordinal);
            if (at < 0) continue;
            var left = Select(condition[..at].Trim(), [item], root).Select(Format).FirstOrDefault();
            var right = condition[(at + 2)..].Trim().Trim('"', '\'');
            return op == "==" ? left == right : left != right;
        }
        return Select(condition.Trim(), [item], root).Count > 0;
    }

    private static int FindClose(string path, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = open; i < path.Length; i++)
        {
            var c = path[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                continue;
            }
            if (c is '"' or '\'') quote = c;
            else if (c == '[') depth++;
            else if (c == ']' && --depth == 0) return i;
        }
        throw new FormatException($"unclosed [ in jsonpath: {path}");
    }

    private static List<(bool IsExpr, string Text)> Tokenize(string template)
    {
        var tokens = new List<(bool, string)>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                tokens.Add((false, template[i..]));
                break;
            }
            if (open > i) tokens.Add((false, template[i..open]));
            var close = open + 1;
            var quote = '\0';
            for (; close < template.Length; close++)
            {
                var c = template[close];
                if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
                if (c == '"') quote = c;
                else if (c == '}') break;
            }
            if (close >= template.Length) throw new FormatException("unclosed action");
            tokens.Add((true, template[(open + 1)..close]));
            i = close + 1;
        }
        return tokens;
    }
}

using System.Text.Json.Nodes;

namespace Rke2Sim.Cluster;

/// <summary>
/// List filters as the apiserver applies them: <c>labelSelector</c> in apimachinery's syntax (pkg/labels/selector.go:
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>) and
/// <c>fieldSelector</c> (pkg/fields/selector.go: <c>f=v</c>, <c>f==v</c>, <c>f!=v</c>) on the fields each resource
/// supports (pkg/registry/core/pod/strategy.go ToSelectableFields, node's likewise); any other field is a 400.
/// </summary>
public static class KubeSelectors
{
    private static readonly Dictionary<string, string[]> SelectableFields = new(StringComparer.Ordinal)
    {
        ["pods"] = ["metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"],
        ["nodes"] = ["metadata.name", "spec.unschedulable"],
    };

    /// <summary>Null when the selectors parse, else the apiserver's error message.</summary>
    public static string? Validate(string resource, string? fieldSelector, string? labelSelector)
    {
        foreach (var (field, _, _) in Fields(fieldSelector))
        {
            var allowed = SelectableFields.GetValueOrDefault(resource, ["metadata.name", "metadata.namespace"]);
            if (!allowed.Contains(field, StringComparer.Ordinal)) return $"field label not supported: {field}";
        }
        try
        {
            _ = Labels(labelSelector).ToList();
        }
        catch (FormatException e)
        {
            return $"unable to parse requirement: {e.Message}";
        }
        return null;
    }

    public static bool Matches(JsonNode item, string? fieldSelector, string? labelSelector)
    {
        foreach (var (field, op, value) in Fields(fieldSelector))
        {
            var actual = FieldValue(item, field);
            if (op == "!=" ? actual == value : actual != value) return false;
        }
        var labels = item["metadata"]?["labels"] as JsonObject;
        foreach (var requirement in Labels(labelSelector))
        {
            if (!requirement(labels)) return false;
        }
        return true;
    }

    /// <summary>A selectable field's value as its string form; unset fields are empty (spec.unschedulable: "false").</summary>
    private static string FieldValue(JsonNode item, string field)
    {
        JsonNode? node = item;
        foreach (var part in field.Split('.')) node = node?[part];
        if (node is null) return field == "spec.unschedulable" ? "false" : "";
        return node.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.True => "true",
            System.Text.Json.JsonValueKind.False => "false",
            _ => node.ToString(),
        };
    }

    private static IEnumerable<(string Field, string Op, string Value)> Fields(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) yield break;
        foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var op = term.Contains("!=", StringComparison.Ordinal) ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=";
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0) yield return (term, "=", "");
            else yield return (term[..at].Trim(), op, term[(at + op.Length)..].Trim());
        }
    }

    private static IEnumerable<Func<JsonObject?, bool>> Labels(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) yield break;
        foreach (var term in SplitTerms(selector))
        {
            string Label(JsonObject? labels, string key) => (string?)labels?[key] ?? "";
            bool Has(JsonObject? labels, string key) => labels?.ContainsKey(key) == true;
            if (term.StartsWith('!'))
            {
                var key = term[1..].Trim();
                yield return labels => !Has(labels, key);
            }
            else if (SetTerm(term, " notin ") is { } notIn)
            {
                yield return labels => !Has(labels, notIn.Key) || !notIn.Values.Contains(Label(labels, notIn.Key));
            }
            else if (SetTerm(term, " in ") is { } inSet)
            {
                yield return labels => Has(labels, inSet.Key) && inSet.Values.Contains(Label(labels, inSet.Key));
            }
            else if (term.Contains("!=", StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "!=");
                yield return labels => Label(labels, key) != value || !Has(labels, key);
            }
            else if (term.Contains('='))
            {
                var (key, value) = Split(term, term.Contains("==", StringComparison.Ordinal) ? "==" : "=");
                yield return labels => Has(labels, key) && Label(labels, key) == value;
            }
            else
            {
                if (term.Any(char.IsWhiteSpace) || term.Length == 0) throw new FormatException($"'{term}'");
                yield return labels => Has(labels, term);
            }
        }
    }

    private static (string Key, string Value) Split(string term, string op)
    {
        var at = term.IndexOf(op, StringComparison.Ordinal);
        return (term[..at].Trim(), term[(at + op.Length)..].Trim());
    }

    private static (string Key, string[] Values)? SetTerm(string term, string op)
    {
        var at = term.IndexOf(op, StringComparison.Ordinal);
        if (at <= 0) return null;
        var set = term[(at + op.Length)..].Trim();
        if (!set.StartsWith('(') || !set.EndsWith(')')) throw new FormatException($"'{term}': expected a set in parentheses");
        return (term[..at].Trim(), set[1..^1].Split(',', StringSplitOptions.TrimEntries));
    }

    /// <summary>Splits on commas outside parentheses (a set's commas belong to it).</summary>
    private static IEnumerable<string> SplitTerms(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= selector.Length; i++)
        {
            if (i < selector.Length && selector[i] == '(') depth++;
            else if (i < selector.Length && selector[i] == ')') depth--;
            else if (i == selector.Length || (selector[i] == ',' && depth == 0))
            {
                var term = selector[start..i].Trim();
                if (term.Length > 0) yield return term;
                start = i + 1;
            }
        }
    }
}

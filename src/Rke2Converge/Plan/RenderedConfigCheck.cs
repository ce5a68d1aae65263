using System.Text.RegularExpressions;
using Rke2Converge.Model.Validation;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Templates;

namespace Rke2Converge.Plan;

/// <summary>
/// The config.yaml a node would get, as rendered from the template (a user's templates/config.yaml.scriban too), read
/// back as RKE2 reads it: no key twice, no key rke2c manages written by the template's own text, none of those rke2c
/// writes left out. Errors point at the template line that writes the key, when the text has one.
/// </summary>
internal static partial class RenderedConfigCheck
{
    public static IEnumerable<TemplateError> Check(NodeDesiredState node, string rendered, ScribanTemplate template)
    {
        IReadOnlyList<YamlKeyAt> keys;
        try
        {
            keys = ConfigYamlKeys.Read(rendered, $"config.yaml rendered for {node.Name}");
        }
        catch (InvalidDataException error)
        {
            return [new TemplateError(template.File, 1, 1, error.Message)];
        }
        var errors = new List<TemplateError>();
        var declared = node.Config.Where(entry => entry.Value is not null).Select(entry => entry.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var group in keys.GroupBy(key => Model.Validation.Rke2ConfigKeys.LongName(key.Key)))
        {
            // The template's own key is the one that is not the playbook's, or the second of two.
            var own = group.Where(key => !declared.Contains(key.Key)).Concat(group.Skip(1)).FirstOrDefault();
            if (own is null) continue;
            if (ConfigRules.EngineOwned(own.Key) is { } advice)
            {
                errors.Add(At(template, own.Key, $"the template writes config key {ConfigRules.Described(own.Key)} itself, which is managed by rke2c: {advice}"));
            }
            else if (Model.Validation.Rke2ConfigKeys.ShortAliases.ContainsKey(own.Key))
            {
                errors.Add(At(template, own.Key, $"the template writes config key {ConfigRules.Described(own.Key)}: write its long name"));
            }
            else if (group.Count() > 1)
            {
                errors.Add(At(template, own.Key, $"config.yaml would have key '{group.Key}' more than once: RKE2 would take the last, the plan would show one"));
            }
        }
        var renderedKeys = keys.Select(key => key.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in declared.Where(key => ConfigRules.EngineOwned(key) is not null && !renderedKeys.Contains(key)))
        {
            errors.Add(new TemplateError(template.File, 1, 1, $"config.yaml would lack '{key}', which rke2c writes: keep {{{{ config }}}} in the template"));
        }
        return errors;
    }

    /// <summary>The error at the first template line that writes <paramref name="key"/> literally, else at line 1.</summary>
    private static TemplateError At(ScribanTemplate template, string key, string message)
    {
        var lines = template.Text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var match = LiteralKey().Match(lines[i]);
            if (match.Success && match.Groups["key"].Value == key) return new TemplateError(template.File, i + 1, match.Groups["key"].Index + 1, message);
        }
        return new TemplateError(template.File, 1, 1, message);
    }

    [GeneratedRegex("""^\s*["']?(?<key>[^"':\s{]+)["']?\s*:""", RegexOptions.CultureInvariant)]
    private static partial Regex LiteralKey();
}

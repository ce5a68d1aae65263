using System.Text.RegularExpressions;

namespace Rke2Converge.Model.Validation;

/// <summary>Sysctl keys look like <c>net.ipv4.ip_forward</c>; values are one non-empty line.</summary>
internal static partial class SysctlRules
{
    [GeneratedRegex(@"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        CheckScope(model.Sysctls, SettingScope.Cluster, model.Sites, problems);
        foreach (var node in model.Nodes)
        {
            CheckScope(node.Sysctls, SettingScope.ForNode(node.Name), model.Sites, problems, node.DeclaredAt);
        }
    }

    private static void CheckScope(
        IReadOnlyDictionary<string, string> sysctls, SettingScope scope, DeclarationSites sites, List<ValidationProblem> problems,
        SourceLocation? fallback = null)
    {
        foreach (var (key, value) in sysctls)
        {
            var at = sites.Sysctl(scope, key) ?? fallback;
            if (!KeyPattern().IsMatch(key))
            {
                problems.Add(ValidationProblem.Error(
                    $"sysctl key '{key}' ({scope.Description}) is invalid; expected dot-separated names of letters, digits, '_' and '-', such as net.ipv4.ip_forward",
                    at));
            }
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add(ValidationProblem.Error($"sysctl {key} ({scope.Description}) has an empty value", at));
            }
            else if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
            {
                problems.Add(ValidationProblem.Error($"sysctl {key} ({scope.Description}) has a value spanning several lines", at));
            }
        }
    }
}

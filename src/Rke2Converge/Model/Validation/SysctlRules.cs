namespace Rke2Converge.Model.Validation;

/// <summary>
/// Sysctl keys follow /proc/sys naming (<c>net.ipv4.ip_forward</c>): they reach <c>sysctl -w key=value</c> and
/// <c>/etc/sysctl.d</c>, so a key like <c>-p</c> would be an option and one with '=' or a line break another setting.
/// Values are one non-empty line.
/// </summary>
internal static class SysctlRules
{
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
            if (!Grammar.IsSysctlKey(key))
            {
                problems.Add(ValidationProblem.Error(
                    $"sysctl key {Printable.Quote(key)} ({scope.Description}) is invalid; expected dot-separated names of letters, digits, '_' and '-', "
                    + "starting with a lowercase /proc/sys directory, such as net.ipv4.ip_forward",
                    at));
            }
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add(ValidationProblem.Error($"sysctl {Printable.Escape(key)} ({scope.Description}) has an empty value", at));
            }
            else if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
            {
                problems.Add(ValidationProblem.Error($"sysctl {Printable.Escape(key)} ({scope.Description}) has a value spanning several lines", at));
            }
            else if (Printable.FirstUnsafe(value, allowed: "\t") is { } bad)
            {
                problems.Add(ValidationProblem.Error(
                    $"sysctl {Printable.Escape(key)} ({scope.Description}) value {Printable.Quote(value)} contains {Printable.Describe(bad)}", at));
            }
        }
    }
}

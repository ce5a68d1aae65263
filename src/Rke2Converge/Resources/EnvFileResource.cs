using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Rke2Converge.Model;

namespace Rke2Converge.Resources;

/// <summary>
/// <c>EnvFile().Set("HTTP_PROXY", "http://proxy:3128")</c>: <c>/etc/default/rke2-server</c> or <c>rke2-agent</c>
/// (by the node's role), which RKE2's unit reads through <c>EnvironmentFile=-/etc/default/%N</c>. The service
/// reads it only when it starts, so a change restarts it. The plan diffs it variable by variable: a plain value shows,
/// a Secret (or any variable the playbook does not set, or whose name suggests a secret) shows only that it changed.
/// </summary>
public sealed partial class EnvFileResource : FileBackedResource
{
    /// <summary>Declared by <c>EnvFile()</c> in a playbook, not constructed.</summary>
    internal EnvFileResource()
    {
    }

    private readonly List<KeyValuePair<string, object>> _variables = [];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    internal IReadOnlyList<KeyValuePair<string, object>> Variables => _variables;

    internal override string Key => "env-file";

    internal override string Kind => "env-file";

    internal override bool IsSensitive => _variables.Any(v => v.Value is SecretSource);

    internal override IEnumerable<SecretSource> Secrets => _variables.Select(v => v.Value).OfType<SecretSource>();

    /// <summary>Sets one variable (a string, number or Secret); setting it again replaces the value.</summary>
    /// <example>
    /// <code>
    /// EnvFile().Set("HTTPS_PROXY", Secret.FromEnv("PROXY_URL"));
    /// </code>
    /// </example>
    public EnvFileResource Set(string name, object value)
    {
        _variables.RemoveAll(v => v.Key == name);
        _variables.Add(new(name, value));
        return this;
    }

    internal override string PathFor(NodeSpec node) => PathForService(node.Role.ServiceName());

    /// <summary>The environment file RKE2's unit <paramref name="service"/> reads.</summary>
    internal static string PathForService(string service) => $"/etc/default/{service}";

    internal override IEnumerable<string> Validate()
    {
        if (_variables.Count == 0) yield return "env-file: declares no variables (use .Set(name, value))";
        foreach (var (name, value) in _variables)
        {
            if (!NamePattern().IsMatch(name)) yield return $"env-file: '{name}' is not a variable name";
            if (value is string text && (text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)))
            {
                yield return $"env-file: {name} spans several lines";
            }
        }
    }

    private protected override DesiredFile Desired(ResourceContext context)
    {
        var content = new StringBuilder("# Managed by rke2c.\n");
        foreach (var (name, value) in _variables) content.Append(name).Append("=\"").Append(Escape(context.Text(value))).Append("\"\n");
        var plain = _variables.Where(v => v.Value is not SecretSource).Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        return new DesiredFile(PathFor(context.Node.Node), content.ToString(), "0600", Sensitive: IsSensitive)
        {
            ContentDiff = (before, after) => Plan.Diff.StructuredFileDiff.EnvFile(before, after, plain),
        };
    }

    private protected override bool ContentInFacts => true;

    private protected override ServiceEffect EffectOf(ResourceContext context) => ServiceEffect.Restart;

    // systemd's EnvironmentFile parsing: inside double quotes, backslash escapes '"', '\\' and '$' literally.
    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}

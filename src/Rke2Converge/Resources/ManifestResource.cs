using Rke2Converge.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rke2Converge.Resources;

/// <summary>
/// <c>Manifest(name, yaml)</c>: a file in <c>/var/lib/rancher/rke2/server/manifests/</c> on every server, such as a
/// HelmChartConfig. RKE2's deploy controller applies it while running, so a change needs no restart.
/// </summary>
public sealed class ManifestResource(string name, string yaml) : FileBackedResource
{
    internal const string Directory = "/var/lib/rancher/rke2/server/manifests";

    internal string Name { get; } = name;

    internal string Yaml { get; } = yaml;

    internal bool IsAbsent { get; private set; }

    internal string FileName => Name.EndsWith(".yaml", StringComparison.Ordinal) || Name.EndsWith(".yml", StringComparison.Ordinal) ? Name : Name + ".yaml";

    internal override string Key => $"manifest {FileName}";

    internal override string Kind => "manifest";

    internal override bool IsSensitive => false;

    /// <summary>Remove the file. RKE2's deploy controller then deletes what it created from it.</summary>
    /// <example>
    /// <code>
    /// Manifest("old-addon.yaml").Absent();
    /// </code>
    /// </example>
    public ManifestResource Absent()
    {
        IsAbsent = true;
        return this;
    }

    /// <summary>Manifests are read by the server's deploy controller; agents have none.</summary>
    internal override bool AppliesTo(NodeSpec node) => node.Role.IsServer();

    internal override string PathFor(NodeSpec node) => $"{Directory}/{FileName}";

    internal override IEnumerable<string> Validate()
    {
        foreach (var problem in ResourcePaths.CheckName(Name, Key)) yield return problem;
        if (IsAbsent) yield break;
        if (string.IsNullOrWhiteSpace(Yaml)) yield return $"{Key}: YAML is empty";
        else if (YamlProblem(Yaml) is { } problem) yield return $"{Key}: {problem}";
    }

    private protected override DesiredFile Desired(ResourceContext context) =>
        new(PathFor(context.Node.Node), IsAbsent ? null : Yaml.TrimEnd('\n') + "\n", "0600");

    private protected override ServiceEffect EffectOf(ResourceContext context) => ServiceEffect.None;

    private static string? YamlProblem(string yaml)
    {
        try
        {
            new YamlStream().Load(new StringReader(yaml));
            return null;
        }
        catch (YamlException error)
        {
            return $"invalid YAML at line {error.Start.Line}, column {error.Start.Column}: {error.Message}";
        }
    }
}

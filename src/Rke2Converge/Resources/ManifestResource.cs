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
    public const string Directory = "/var/lib/rancher/rke2/server/manifests";

    public string Name { get; } = name;

    public string Yaml { get; } = yaml;

    public bool IsAbsent { get; private set; }

    public string FileName => Name.EndsWith(".yaml", StringComparison.Ordinal) || Name.EndsWith(".yml", StringComparison.Ordinal) ? Name : Name + ".yaml";

    public override string Key => $"manifest {FileName}";

    public override string Kind => "manifest";

    public override bool IsSensitive => false;

    /// <summary>Remove the file. RKE2's deploy controller then deletes what it created from it.</summary>
    public ManifestResource Absent()
    {
        IsAbsent = true;
        return this;
    }

    /// <summary>Manifests are read by the server's deploy controller; agents have none.</summary>
    public override bool AppliesTo(NodeSpec node) => node.Role.IsServer();

    public override string PathFor(NodeSpec node) => $"{Directory}/{FileName}";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in ResourcePaths.CheckName(Name, Key)) yield return problem;
        if (IsAbsent) yield break;
        if (string.IsNullOrWhiteSpace(Yaml)) yield return $"{Key}: YAML is empty";
        else if (YamlProblem(Yaml) is { } problem) yield return $"{Key}: {problem}";
    }

    protected override DesiredFile Desired(ResourceContext context) =>
        new(PathFor(context.Node.Node), IsAbsent ? null : Yaml.TrimEnd('\n') + "\n", "0600");

    protected override ServiceEffect EffectOf(ResourceContext context) => ServiceEffect.None;

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

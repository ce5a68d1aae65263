namespace Rke2Converge.Model.Validation;

/// <summary>
/// <c>profile</c> must be a value the release's rke2 accepts, or the service exits at start with
/// <c>invalid value provided for --profile flag</c> (rancher/rke2 pkg/cli/cmds/profile_linux.go, validateProfile):
/// <c>cis</c> and <c>cis-1.23</c> from v1.28.2 (#4708) until v1.34, where #8349 replaced <c>cis-1.23</c> with
/// <c>etcd</c>. Older releases are not told apart (each had its own benchmark names).
/// </summary>
internal static class ProfileRules
{
    private static readonly Rke2Version GenericCis = new(1, 28, 2, 1);
    private static readonly Rke2Version EtcdProfile = new(1, 34, 0, 1);

    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        if (!Rke2Version.TryParse(model.VersionText, out var version) || version < GenericCis) return;
        var accepted = Accepted(version);
        var wrong =
            from node in model.Nodes
            let profile = model.ConfigFor(node)["profile"]
            where profile is not null && !(profile is string text && accepted.Contains(text))
            select (Node: node, Profile: profile, At: ConfigRules.SiteOf(model, node, "profile"));
        foreach (var group in wrong.GroupBy(w => (Value: Printable.Quote(w.Profile.ToString() ?? ""), w.At)))
        {
            var nodes = string.Join(", ", group.Select(w => w.Node.Name));
            problems.Add(ValidationProblem.Error(
                $"config profile {group.Key.Value} on {nodes}: rke2 {version} accepts only {string.Join(" or ", accepted)} "
                + "and would exit with 'invalid value provided for --profile flag'", group.Key.At));
        }
    }

    /// <summary>The profile values <paramref name="version"/>'s rke2 accepts.</summary>
    internal static IReadOnlyList<string> Accepted(Rke2Version version) =>
        version >= EtcdProfile ? ["cis", "etcd"] : ["cis", "cis-1.23"];
}

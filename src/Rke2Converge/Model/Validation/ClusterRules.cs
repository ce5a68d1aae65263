namespace Rke2Converge.Model.Validation;

/// <summary>Name, version, token and SSH defaults.</summary>
internal static class ClusterRules
{
    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        var sites = model.Sites;
        if (string.IsNullOrWhiteSpace(model.Name))
        {
            problems.Add(ValidationProblem.Error("cluster name is missing: declare Cluster(\"name\")", sites.Cluster));
        }
        if (string.IsNullOrWhiteSpace(model.VersionText))
        {
            problems.Add(ValidationProblem.Error(
                "RKE2 version is missing: declare Cluster(...).Version(\"v1.32.5+rke2r1\")", sites.Version ?? sites.Cluster));
        }
        else if (!Rke2Version.TryParse(model.VersionText, out _))
        {
            problems.Add(ValidationProblem.Error(
                $"RKE2 version '{model.VersionText}' is invalid; expected the form v1.32.5+rke2r1", sites.Version ?? sites.Cluster));
        }
        if (model.Token is null)
        {
            problems.Add(ValidationProblem.Error(
                "cluster token is missing: declare Cluster(...).Token(Secret.FromEnv(\"RKE2_TOKEN\")) or Secret.FromFile(...)", sites.Cluster));
        }
        if (SshPorts.IsOutOfRange(model.SshDefaults.Port))
        {
            problems.Add(ValidationProblem.Error(
                $"default ssh port {model.SshDefaults.Port} is out of range (1-65535)", sites.SshDefaults));
        }
    }
}

internal static class SshPorts
{
    public static bool IsOutOfRange(int? port) => port is < 1 or > 65535;
}

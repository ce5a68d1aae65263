namespace Rke2Converge.Model.Validation;

/// <summary>Name, version, token, SSH defaults and the known_hosts file.</summary>
internal static class ClusterRules
{
    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        var sites = model.Sites;
        if (string.IsNullOrWhiteSpace(model.Name))
        {
            problems.Add(ValidationProblem.Error("cluster name is missing: declare Cluster(\"name\")", sites.Cluster));
        }
        else if (!Grammar.IsClusterName(model.Name))
        {
            problems.Add(ValidationProblem.Error(
                $"cluster name {Printable.Quote(model.Name)} is invalid: use letters, digits, '.', '_' and '-', "
                + "start and end with a letter or digit, at most 63 characters", sites.Cluster));
        }
        if (string.IsNullOrWhiteSpace(model.VersionText))
        {
            problems.Add(ValidationProblem.Error(
                "RKE2 version is missing: declare Cluster(...).Version(\"v1.32.5+rke2r1\")", sites.Version ?? sites.Cluster));
        }
        else if (!Rke2Version.TryParse(model.VersionText, out _))
        {
            problems.Add(ValidationProblem.Error(
                $"RKE2 version {Printable.Quote(model.VersionText)} is invalid; expected the form v1.32.5+rke2r1", sites.Version ?? sites.Cluster));
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
        SshRules.Check(model.SshDefaults, "default ssh", sites.SshDefaults, problems);
        SshRules.CheckKnownHosts(model.KnownHostsFile, sites.KnownHosts, problems);
    }
}

internal static class SshPorts
{
    public static bool IsOutOfRange(int? port) => port is < 1 or > 65535;
}

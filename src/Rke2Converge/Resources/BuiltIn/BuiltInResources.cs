namespace Rke2Converge.Resources.BuiltIn;

/// <summary>The built-in resources every node has, in the order they apply (the playbook's own resources run after those marked to go before them).</summary>
internal static class BuiltInResources
{
    public static readonly IReadOnlyList<BuiltInResource> All =
    [
        new PendingMarkerResource(),
        new SysctlResource(),
        new ConfigYamlResource(),
        new ConfigDropInsResource(),
        new Rke2InstallResource(),
        new AirGapImagesResource(),
        new ServiceStateResource(),
        new ClusterIdentityResource(),
    ];

    public static IEnumerable<BuiltInResource> BeforeDeclared => All.Where(resource => resource.BeforeDeclaredResources);

    public static IEnumerable<BuiltInResource> AfterDeclared => All.Where(resource => !resource.BeforeDeclaredResources);
}

using Rke2Converge.Model;
using Rke2Converge.Resources.BuiltIn;

namespace Rke2Converge.Resources;

/// <summary>
/// A path rke2c writes itself. A declared resource may not write it (nor anything below it when it is a directory
/// tree), nor remove or replace a directory above it; only a resource of kind <see cref="OnlyKind"/>, when set, may.
/// </summary>
/// <param name="Path">Normalised, absolute.</param>
/// <param name="Tree">The directory and everything below it.</param>
/// <param name="What">What rke2c keeps there and why, for the error.</param>
/// <param name="OnlyKind">The one resource kind that writes it (<c>registries</c>, <c>env-file</c>), or null for none.</param>
internal sealed record ReservedPath(string Path, bool Tree, string What, string? OnlyKind = null);

/// <summary>
/// The one list of the paths rke2c manages, gathered from the code that writes them: each built-in resource's
/// <see cref="BuiltInResource.Writes"/> (config.yaml, the sysctl file, the pending marker, what the release tarball
/// unpacks), rke2c's state directory, and the files the
/// <c>Registries()</c> and <c>EnvFile()</c> resources own.
/// </summary>
internal static class ReservedPaths
{
    public static IReadOnlyList<ReservedPath> All { get; } =
    [
        .. BuiltInResources.All.SelectMany(resource => resource.Writes),
        new(Rke2Paths.StateDirectory, Tree: true, "rke2c's state (cluster lock, pending marker, backups, staged artifacts)"),
        new(RegistriesResource.Path, Tree: false, "written by Registries()", OnlyKind: "registries"),
        .. Enum.GetValues<NodeRole>().Select(role => EnvFileResource.PathForService(role.ServiceName())).Distinct(StringComparer.Ordinal)
            .Select(path => new ReservedPath(path, Tree: false, "written by EnvFile()", OnlyKind: "env-file")),
    ];

    /// <summary>
    /// Why <paramref name="resource"/> may not write <paramref name="path"/>, or null when it may. A directory that is
    /// only ensured (not removed) may be an ancestor of a reserved path: /etc/rancher/rke2 with its mode, say.
    /// </summary>
    public static string? Conflict(Resource resource, string path)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var normal = ResourcePaths.Normalize(path);
        var ensuresDirectory = resource is DirectoryResource { IsAbsent: false };
        foreach (var reserved in All)
        {
            if (reserved.OnlyKind == resource.Kind && normal == reserved.Path) continue;
            if (ResourcePaths.IsAtOrBelow(normal, reserved.Path))
            {
                return $"{path} is reserved: {reserved.Path} is {reserved.What}" + (reserved.OnlyKind is null ? "" : " only");
            }
            if (!ensuresDirectory && ResourcePaths.IsAtOrBelow(reserved.Path, normal))
            {
                return $"{path} holds {reserved.Path}, which is {reserved.What}" + (reserved.OnlyKind is null ? "" : " only");
            }
        }
        return null;
    }
}

using System.Globalization;
using Rke2Converge.Model;
using YamlDotNet.RepresentationModel;

namespace Rke2Converge.Kubeconfig;

/// <summary>
/// The admin kubeconfig RKE2 writes on a server that runs the API server (<see cref="Rke2Paths.AdminKubeconfig"/>,
/// pointing at https://127.0.0.1:6443), made usable from elsewhere: its server URL rewritten to the cluster's
/// registration address, or the first such server, on the API port.
/// </summary>
internal static class AdminKubeconfig
{
    public const int ApiServerPort = 6443;

    /// <summary>The first server in join order that runs the API server, or null when the playbook has none.</summary>
    public static NodeSpec? Source(ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.RolloutOrder().FirstOrDefault(node => node.Role.CarriesControlPlane());
    }

    /// <summary>The registration address's host (a load balancer forwards the API port too), else the source server's address.</summary>
    public static string ServerUrl(ClusterModel model, NodeSpec source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var host = model.RegistrationAddress is { } registration && Uri.TryCreate(registration, UriKind.Absolute, out var uri)
            ? uri.Host
            : source.Address;
        return string.Create(CultureInfo.InvariantCulture, $"https://{UrlHost.Of(host)}:{ApiServerPort}");
    }

    /// <summary>Sets every cluster's <c>server:</c> to <paramref name="serverUrl"/>; everything else is kept as it was.</summary>
    /// <exception cref="FormatException">The file is not a kubeconfig with at least one cluster.</exception>
    public static string Rewrite(string kubeconfig, string serverUrl)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(kubeconfig));
        }
        catch (YamlDotNet.Core.YamlException error)
        {
            throw new FormatException($"not YAML: {error.Message}", error);
        }
        var clusters = stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root
            && root.Children.TryGetValue(new YamlScalarNode("clusters"), out var list) && list is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlMappingNode>()
                .Select(entry => entry.Children.TryGetValue(new YamlScalarNode("cluster"), out var cluster) ? cluster as YamlMappingNode : null)
                .OfType<YamlMappingNode>()
                .ToList()
            : [];
        if (clusters.Count == 0) throw new FormatException("no clusters: entry");
        foreach (var cluster in clusters) cluster.Children[new YamlScalarNode("server")] = new YamlScalarNode(serverUrl);
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        // YamlStream ends every document with "...": kubectl reads it, people do not expect it.
        return writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> with mode 0600 through a temp file and a rename;
    /// an existing file is kept as <c>PATH.bak</c>. Returns the backup's path, if one was made.
    /// </summary>
    public static string? WriteFile(string path, string content)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("writing a 0600 kubeconfig needs Unix file modes");
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var backup = LocalFiles.AtomicFile.BackUp(full);
        if (backup is not null) File.SetUnixFileMode(backup, OwnerOnly);
        LocalFiles.AtomicFile.WriteText(full, content, OwnerOnly);
        return backup;
    }
}

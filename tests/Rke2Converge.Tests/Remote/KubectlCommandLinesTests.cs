using System.Text.RegularExpressions;
using Rke2Converge.Remote;
using Xunit;

namespace Rke2Converge.Tests.Remote;

/// <summary>The registry the lab's real-kubectl test runs is every kubectl command line in src/.</summary>
public sealed class KubectlCommandLinesTests
{
    private static string SourceRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Join(directory.FullName, "Rke2Converge.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        return Path.Join(directory.FullName, "src");
    }

    [Fact]
    public void Every_source_file_that_names_the_kubectl_binary_is_in_the_registry_with_as_many_uses()
    {
        var root = SourceRoot();
        var found = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(root, f).Replace('\\', '/'), Uses: Regex.Count(File.ReadAllText(f), @"Rke2Paths\.Kubectl\b")))
            .Where(f => f.Uses > 0)
            .ToDictionary(f => f.File, f => f.Uses, StringComparer.Ordinal);
        Assert.Equal(KubectlCommandLines.Sources.OrderBy(kv => kv.Key, StringComparer.Ordinal), found.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_entry_runs_the_kubectl_binary_and_the_drain_passes_every_flag_rke2c_knows()
    {
        var entries = KubectlCommandLines.All("server-1", "agent-1", TimeSpan.FromSeconds(30));
        Assert.All(entries, e => Assert.True(e.Command.Arguments.Contains(Rke2Converge.Model.Rke2Paths.Kubectl) || e.Command.Script.Contains(Rke2Converge.Model.Rke2Paths.Kubectl, StringComparison.Ordinal), e.Name));
        var drain = entries.Single(e => e.Name == "drain (every flag)").Command.Arguments;
        Assert.Equal(["--ignore-daemonsets", "--delete-emptydir-data", "--force", "--grace-period=5", "--timeout=30s"], drain.Skip(3));
    }
}

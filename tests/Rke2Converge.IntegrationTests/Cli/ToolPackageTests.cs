using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Cli;

/// <summary>rke2c as a .NET tool: packed from the built CLI, installed offline from that package alone, run.</summary>
public sealed class ToolPackageTests
{
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task The_packed_tool_installs_from_a_local_source_and_runs()
    {
        var work = Directory.CreateTempSubdirectory("rke2c-tool-").FullName;
        var packages = Path.Combine(work, "nupkg");
        var configuration = new DirectoryInfo(Path.GetDirectoryName(Rke2cDriver.Rke2cDll)!).Parent!.Name;
        var project = Path.Combine(LabEnvironment.RepoRoot, "src", "Rke2Converge.Cli", "Rke2Converge.Cli.csproj");
        // Only the package just made: no feed, and a packages folder of its own so no earlier rke2c 0.1.0 is reused.
        var config = Path.Combine(work, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Path.Combine(work, "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

        var pack = await ProcessRunner.RunAsync(
            "dotnet", ["pack", project, "--no-build", "-c", configuration, "-o", packages], DotnetTimeout, environment: environment);
        Assert.True(pack.Exit == 0, $"pack: {pack.Stdout}\n{pack.Stderr}");
        var tools = Path.Combine(work, "tools");
        var install = await ProcessRunner.RunAsync(
            "dotnet", ["tool", "install", "rke2c", "--tool-path", tools, "--configfile", config, "--add-source", packages], DotnetTimeout,
            environment: environment, workingDirectory: work);
        Assert.True(install.Exit == 0, $"install: {install.Stdout}\n{install.Stderr}");
        var version = await ProcessRunner.RunAsync(Path.Combine(tools, "rke2c"), ["--version"], TimeSpan.FromMinutes(2));
        var help = await ProcessRunner.RunAsync(Path.Combine(tools, "rke2c"), ["--help"], TimeSpan.FromMinutes(2));

        Assert.Single(Directory.GetFiles(packages, "rke2c.*.nupkg"));
        Assert.Contains("'rke2c'", install.Stdout, StringComparison.Ordinal);
        Assert.True(version.Exit == 0, $"{version.Stdout}\n{version.Stderr}");
        Assert.StartsWith("0.1.0", version.Stdout, StringComparison.Ordinal);
        Assert.True(help.Exit == 0, $"{help.Stdout}\n{help.Stderr}");
        foreach (var command in new[] { "validate", "plan", "apply", "init", "completion" })
        {
            Assert.Contains($"  {command} ", help.Stdout, StringComparison.Ordinal);
        }
        Directory.Delete(work, recursive: true);
    }
}

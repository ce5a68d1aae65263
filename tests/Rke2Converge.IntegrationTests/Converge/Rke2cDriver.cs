using System.Security.Cryptography;
using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Converge;

public sealed record Rke2cResult(int Exit, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public override string ToString() => $"exit {Exit}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real rke2c binary as a user would (from the directory holding the playbooks), against a lab, with its own token, compiled-playbook cache and log
/// directory, and keeps every output so tests can check that the token never shows up anywhere.
/// </summary>
public sealed class Rke2cDriver
{
    // A bound for a hung rke2c, not an expectation: several nodes, each with minutes of gates on a loaded machine.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(20);
    private readonly List<Rke2cResult> _runs = [];

    public Rke2cDriver(string name)
    {
        WorkDirectory = System.IO.Directory.CreateTempSubdirectory($"rke2c-{name}-").FullName;
        Token = "tok-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
    }

    public string WorkDirectory { get; }

    public string Token { get; }

    public string LogDirectory => Path.Combine(WorkDirectory, "state", "rke2c", "logs");

    /// <summary>Variables set (or, with a null value, removed) for every run on top of the defaults, such as RKE2_TOKEN.</summary>
    public Dictionary<string, string?> ExtraEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// rke2c as its own project built it, with its own dependencies and runtimeconfig: this test folder also holds the
    /// simulator's ASP.NET Core graph, which leaves out assemblies that shared framework provides but rke2c does not load.
    /// </summary>
    internal static string Rke2cDll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var path = Path.Combine(LabEnvironment.RepoRoot, "src", "Rke2Converge.Cli", "bin", output.Parent!.Name, output.Name, "rke2c.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"rke2c is not built at {path}");
        }
    }

    public static string Artifacts => Path.Combine(LabEnvironment.RepoRoot, ".lab", "artifacts");

    /// <summary>Writes a playbook into the work directory and returns its name, as a user in that directory would type it.</summary>
    public string WritePlaybook(string name, string body)
    {
        File.WriteAllText(Path.Combine(WorkDirectory, name), body);
        return name;
    }

    public Task<Rke2cResult> RunAsync(params string[] arguments) => RunWithTokenAsync(Token, arguments);

    /// <summary>Runs rke2c with another token in RKE2_TOKEN, as an operator who changed the playbook's token would.</summary>
    public Task<Rke2cResult> RunWithTokenAsync(string token, params string[] arguments) => RunProcessAsync(token, "dotnet", [Rke2cDll, .. arguments], null);

    /// <summary>Runs rke2c on a pseudo-terminal (through script(1)) and types <paramref name="typed"/> at it, as a person at a terminal would.</summary>
    public Task<Rke2cResult> RunOnTerminalAsync(string typed, params string[] arguments) =>
        RunProcessAsync(Token, "script", ["-qec", string.Join(' ', new[] { "dotnet", Rke2cDll }.Concat(arguments).Select(a => $"'{a}'")), "/dev/null"], typed);

    private async Task<Rke2cResult> RunProcessAsync(string token, string fileName, IReadOnlyList<string> arguments, string? stdin)
    {
        var environment = new Dictionary<string, string?>
        {
            ["RKE2_TOKEN"] = token,
            ["RKE2C_CACHE_DIR"] = Path.Combine(WorkDirectory, "cache"),
            ["XDG_STATE_HOME"] = Path.Combine(WorkDirectory, "state"),
            ["RKE2C_TEMPLATES"] = null, // the built-in templates, or templates/ next to the test's playbook
        };
        foreach (var (name, value) in ExtraEnvironment) environment[name] = value;
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(fileName, arguments, RunTimeout, stdin, environment, WorkDirectory).ConfigureAwait(false);
        var result = new Rke2cResult(exit, stdout, stderr);
        lock (_runs) _runs.Add(result);
        return result;
    }

    /// <summary>Every byte rke2c printed or logged during this driver's life.</summary>
    public string EverythingPrintedOrLogged()
    {
        var logs = System.IO.Directory.Exists(LogDirectory)
            ? System.IO.Directory.EnumerateFiles(LogDirectory).Select(File.ReadAllText)
            : [];
        lock (_runs) return string.Join("\n", _runs.Select(r => r.Output).Concat(logs));
    }
}

using System.Text.Json;

namespace Rke2Converge.IntegrationTests.Lab;

/// <summary>One lab host as lab.sh describes it in inventory.json.</summary>
public sealed record LabHost(int Index, string Name, string Address, int Port, string User);

public sealed record LabOptions
{
    /// <summary>Hosts listen on 127.Block.Net.i; every concurrently running lab needs its own net.</summary>
    public int Net { get; init; } = 10;
    public int Port { get; init; } = 22;
    public double TimeScale { get; init; } = 0.05;
    public int Seed { get; init; } = 1;
    public string? SudoUser { get; init; }

    /// <summary>Hosts (by index) without registry access: their simulated rke2 starts only from staged images tarballs (lab.sh up --no-registry).</summary>
    public IReadOnlyList<int> NoRegistryHosts { get; init; } = [];
}

/// <summary>
/// A lab brought up by lab/lab.sh for the duration of a test: real sshd per host in its own mount namespace.
/// Dispose takes it down (and kills everything that ran inside).
/// </summary>
public sealed class LabEnvironment : IAsyncDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    // Bounds, not expectations: generous so a loaded machine (load average 15 on 2 cores) still fits in them.
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan DefaultExecTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RebootTimeout = TimeSpan.FromMinutes(3);

    /// <summary>lab.sh down gives up on its own after about a minute per call; this only guards against a hung script.</summary>
    private static readonly TimeSpan DownTimeout = TimeSpan.FromMinutes(3);
    private static readonly SemaphoreSlim BuildGate = new(1, 1);
    private static bool _built;

    private bool _disposed;

    private LabEnvironment(string name, string directory, int net, IReadOnlyList<LabHost> hosts, string keyPath, string knownHostsPath, string? sudoUser)
    {
        Name = name;
        Directory = directory;
        Net = net;
        Hosts = hosts;
        KeyPath = keyPath;
        KnownHostsPath = knownHostsPath;
        SudoUser = sudoUser;
    }

    public string Name { get; }
    public string Directory { get; }
    public int Net { get; }
    public IReadOnlyList<LabHost> Hosts { get; }
    public string KeyPath { get; }
    public string KnownHostsPath { get; }
    public string? SudoUser { get; }

    /// <summary>
    /// The second octet of every lab address: <c>RKE2C_LAB_BLOCK</c> (as lab.sh reads it), 0 unless set, so two
    /// checkouts can run their suites on one machine at once.
    /// </summary>
    public static int Block { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("RKE2C_LAB_BLOCK"), out var block) && block is >= 0 and <= 254 ? block : 0;

    /// <summary>The address lab.sh gives host <paramref name="index"/> of a lab on <paramref name="net"/>.</summary>
    public static string Address(int net, int index) => $"127.{Block}.{net}.{index}";

    /// <summary>
    /// The machine's own address on a lab's network (lab.sh puts .254 on the machine's end of the lab link): the one
    /// address of the machine that hosts in their own network namespaces reach, so servers a test runs for the hosts
    /// (a release mirror) listen here, once the lab is up.
    /// </summary>
    public static string MachineAddress(int net) => Address(net, 254);

    /// <summary>The machine's end of a lab's network (lab.sh names it after block and net; down removes it).</summary>
    public static string MachineInterface(int net) => $"rkl{Block}n{net}";

    public static string RepoRoot { get; } = FindRepoRoot();
    public static string LabScript => Path.Combine(RepoRoot, "lab", "lab.sh");

    public LabHost Host(int index) => Hosts.Single(h => h.Index == index);

    public static async Task<LabEnvironment> UpAsync(string name, int hosts, LabOptions? options = null)
    {
        options ??= new LabOptions();
        await EnsureBuiltAsync().ConfigureAwait(false);
        var arguments = new List<string>
        {
            "up", "--name", name, "--hosts", Invariant(hosts), "--net", Invariant(options.Net), "--port", Invariant(options.Port),
            "--time-scale", options.TimeScale.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", Invariant(options.Seed),
        };
        if (options.SudoUser is not null) arguments.AddRange(["--sudo-user", options.SudoUser]);
        if (options.NoRegistryHosts.Count > 0) arguments.AddRange(["--no-registry", string.Join(',', options.NoRegistryHosts.Select(Invariant))]);
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(LabScript, arguments, UpTimeout).ConfigureAwait(false);
        if (exit != 0) throw new InvalidOperationException($"lab.sh up failed (exit {exit}): {stderr}");
        var directory = stdout.Trim().Split('\n')[^1];
        using var inventory = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "inventory.json")).ConfigureAwait(false));
        var root = inventory.RootElement;
        var labHosts = root.GetProperty("hosts").EnumerateArray()
            .Select(h => new LabHost(
                h.GetProperty("index").GetInt32(), h.GetProperty("name").GetString()!, h.GetProperty("address").GetString()!,
                h.GetProperty("port").GetInt32(), h.GetProperty("user").GetString()!))
            .ToList();
        var sudoUser = root.GetProperty("sudoUser").ValueKind == JsonValueKind.String ? root.GetProperty("sudoUser").GetString() : null;
        return new LabEnvironment(name, directory, root.GetProperty("net").GetInt32(), labHosts,
            root.GetProperty("key").GetString()!, root.GetProperty("knownHosts").GetString()!, sudoUser);
    }

    /// <summary>Runs a shell command inside the host's mount namespace (out of band, not over SSH).</summary>
    public Task<(int Exit, string Stdout, string Stderr)> ExecAsync(int host, string shellCommand, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(LabScript, ["exec", "--name", Name, "--host", Invariant(host), "--", "/bin/sh", "-c", shellCommand],
            timeout ?? DefaultExecTimeout);

    /// <summary>Runs a command over real SSH as root with the lab's key and pinned known_hosts.</summary>
    public Task<(int Exit, string Stdout, string Stderr)> SshAsync(int host, string command, string? knownHostsPath = null, TimeSpan? timeout = null, string? user = null) =>
        ProcessRunner.RunAsync("ssh", [.. SshArguments(host, knownHostsPath, user), command], timeout ?? DefaultExecTimeout);

    /// <summary>ssh options for a host (without the command): key, pinned known_hosts, no agent, no prompts.</summary>
    public IReadOnlyList<string> SshArguments(int host, string? knownHostsPath = null, string? user = null)
    {
        var h = Host(host);
        return
        [
            "-i", KeyPath, "-p", Invariant(h.Port), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHostsPath ?? KnownHostsPath}",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", "-F", "/dev/null",
            $"{user ?? h.User}@{h.Address}",
        ];
    }

    public async Task RebootAsync(int host)
    {
        var (exit, _, stderr) = await ProcessRunner.RunAsync(LabScript, ["reboot", "--name", Name, "--host", Invariant(host)], RebootTimeout)
            .ConfigureAwait(false);
        if (exit != 0) throw new InvalidOperationException($"lab.sh reboot failed (exit {exit}): {stderr}");
    }

    /// <summary>Stops or starts the host's sshd (<c>lab.sh sshd</c>): the host stays up, only SSH goes away or comes back.</summary>
    public async Task SshdAsync(int host, string action)
    {
        var (exit, _, stderr) = await ProcessRunner.RunAsync(LabScript, ["sshd", "--name", Name, "--host", Invariant(host), action], TimeSpan.FromMinutes(3))
            .ConfigureAwait(false);
        if (exit != 0) throw new InvalidOperationException($"lab.sh sshd {action} failed (exit {exit}): {stderr}");
    }

    /// <summary>The mount namespace of each host, as recorded by lab.sh (for checking that nothing is left behind).</summary>
    public IReadOnlyList<string> HostNamespaces() =>
        Hosts.Select(h => File.ReadAllText(Path.Combine(Directory, "hosts", h.Name, "mntns")).Trim()).ToList();

    /// <summary>
    /// Takes the lab down. Teardown never fails a test: what the test asserted is its result, so a lab that does not
    /// go down cleanly is reported on stderr (and left for <c>lab.sh down --all</c>), not thrown.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            var (exit, _, stderr) = await ProcessRunner.RunAsync(LabScript, ["down", "--name", Name], DownTimeout).ConfigureAwait(false);
            if (exit != 0) await Console.Error.WriteLineAsync($"warning: lab.sh down --name {Name} failed (exit {exit}): {stderr}").ConfigureAwait(false);
        }
        catch (Exception error) when (error is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            await Console.Error.WriteLineAsync($"warning: lab.sh down --name {Name} did not finish: {error.Message}").ConfigureAwait(false);
        }
    }

    private static async Task EnsureBuiltAsync()
    {
        await BuildGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_built) return;
            var (exit, _, stderr) = await ProcessRunner.RunAsync(LabScript, ["build"], BuildTimeout).ConfigureAwait(false);
            if (exit != 0) throw new InvalidOperationException($"lab.sh build failed (exit {exit}): {stderr}");
            _built = true;
        }
        finally
        {
            BuildGate.Release();
        }
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Rke2Converge.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"Rke2Converge.sln not found above {AppContext.BaseDirectory}");
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

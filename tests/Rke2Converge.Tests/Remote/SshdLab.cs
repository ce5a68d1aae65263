using System.Diagnostics;
using System.Net.Sockets;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Xunit;

namespace Rke2Converge.Tests.Remote;

/// <summary>
/// A throwaway OpenSSH server on 127.0.<see cref="Net"/>.1:22 (and <see cref="JumpPort"/>, for ProxyJump tests) with its own host
/// key, a generated client key and a pinned known_hosts file. It runs in a private mount namespace with a tmpfs on
/// /run, because sshd insists on its privilege-separation directory /run/sshd and the real machine must stay untouched.
/// </summary>
public sealed class SshdLab : IAsyncLifetime
{
    /// <summary>
    /// The third octet of this sshd's loopback addresses: 77, or <c>RKE2C_UNIT_SSHD_NET</c> so that test runs of two
    /// work trees on one machine do not meet.
    /// </summary>
    public static readonly int Net = int.TryParse(Environment.GetEnvironmentVariable("RKE2C_UNIT_SSHD_NET"), out var net) && net is > 0 and < 255 ? net : 77;

    /// <summary>The second octet: <c>RKE2C_LAB_BLOCK</c>, as the lab reads it (default 0).</summary>
    public static readonly int Block = int.TryParse(Environment.GetEnvironmentVariable("RKE2C_LAB_BLOCK"), out var block) && block is >= 0 and <= 254 ? block : 0;

    public static readonly string Address = $"127.{Block}.{Net}.1";

    /// <summary>Nothing listens here.</summary>
    public static readonly string DeadAddress = $"127.{Block}.{Net}.9";

    /// <summary>A second port of the same sshd, so a jump host and its target can be told apart in known_hosts.</summary>
    public const int JumpPort = 2222;

    private const int Port = 22;
    private readonly List<OpenSshShellFactory> _factories = [];
    private Process? _sshd;

    public string Directory { get; } = Path.Combine("/tmp", "rk2lab-" + Guid.NewGuid().ToString("N")[..8]);

    public string ClientKey => Path.Combine(Directory, "client");

    public string HostKey => Path.Combine(Directory, "hostkey");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    public string LogFile => Path.Combine(Directory, "sshd.log");

    internal SshSettings Ssh => new("root", Port, ClientKey);

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        LocalProcess.RunChecked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", HostKey);
        LocalProcess.RunChecked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ClientKey);
        File.WriteAllText(KnownHostsFile, $"{Address} {PublicKey(HostKey)}\n");
        var config = Path.Combine(Directory, "sshd_config");
        File.WriteAllText(config, $"""
            ListenAddress {Address}:{Port}
            ListenAddress {Address}:{JumpPort}
            AllowTcpForwarding yes
            HostKey {HostKey}
            PidFile none
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            AuthorizedKeysFile {ClientKey}.pub
            MaxSessions 50
            LogLevel ERROR

            """);

        var startInfo = new ProcessStartInfo("unshare") { UseShellExecute = false };
        foreach (var argument in (string[])
                 ["--mount", "--propagation", "private", "sh", "-c",
                  "mount -t tmpfs -o mode=755 tmpfs /run && mkdir -m 755 /run/sshd && " +
                  "exec /usr/sbin/sshd -D -e -f \"$1\" >>\"$2\" 2>&1", "sshd-lab", config, LogFile])
        {
            startInfo.ArgumentList.Add(argument);
        }
        _sshd = Process.Start(startInfo)!;
        await WaitUntilListeningAsync();
    }

    /// <summary>A factory whose masters live in their own control directory, closed when the lab stops.</summary>
    internal OpenSshShellFactory NewFactory(string name, TimeSpan? localGrace = null)
    {
        var options = new OpenSshOptions { ControlDirectory = Path.Combine(Directory, name) };
        if (localGrace is { } grace) options = options with { LocalGrace = grace };
        var factory = new OpenSshShellFactory(options);
        lock (_factories) _factories.Add(factory);
        return factory;
    }

    internal static NodeSpec Node(string name, string? address = null) =>
        new(name, address ?? Address, NodeRole.Server, new SshSettings(), new Dictionary<string, string>(), new ConfigMap(), null);

    internal IRemoteShell Open(string node = "node-a", string factoryName = "cm") =>
        NewFactory(factoryName).Open(Node(node), Ssh, KnownHostsFile);

    public static string PublicKey(string keyFile) =>
        string.Join(' ', File.ReadAllText(keyFile + ".pub").Split(' ').Take(2));

    public async Task DisposeAsync()
    {
        foreach (var factory in _factories) await factory.CloseMastersAsync();
        if (_sshd is not null)
        {
            if (!_sshd.HasExited) _sshd.Kill(entireProcessTree: true);
            await _sshd.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            _sshd.Dispose();
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task WaitUntilListeningAsync()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_sshd!.HasExited)
            {
                throw new InvalidOperationException(
                    $"sshd exited with {_sshd.ExitCode}: {(File.Exists(LogFile) ? File.ReadAllText(LogFile) : "")}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Address, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"sshd did not listen on {Address}:{Port} within 5s");
    }
}

[CollectionDefinition(Name)]
public sealed class SshdCollection : ICollectionFixture<SshdLab>
{
    public const string Name = "sshd on 127.0.77.1";
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Rke2Converge.Remote.SshNet;

/// <summary>
/// Runs commands on one node over an in-process SSH.NET connection, opened on first use and shared by every command
/// (one channel each). The remote command line, timeouts, sudo and error messages are the OpenSSH transport's; host
/// keys are checked against the same known_hosts. The user's ssh_config supplies HostName, User, Port, IdentityFile,
/// KexAlgorithms and one ProxyJump hop (see <see cref="SshConfigFile"/>); there is no agent.
/// </summary>
internal sealed class SshNetShell : IRemoteShell
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly SshTarget _target;
    private readonly SshNetOptions _options;
    private readonly Lazy<SshConfigFile> _config;
    private Connection? _connection;

    public SshNetShell(SshTarget target, SshNetOptions options)
        : this(target, options, new Lazy<SshConfigFile>(() => SshConfigFile.Load(ConfigPath(options))))
    {
    }

    internal SshNetShell(SshTarget target, SshNetOptions options, Lazy<SshConfigFile> config)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        _target = target;
        _options = options;
        _config = config;
    }

    public string NodeName => _target.NodeName;

    private string KnownHostsForDisplay => _target.KnownHostsFile ?? "~/.ssh/known_hosts";

    internal static string ConfigPath(SshNetOptions options) => options.ConfigFile ?? Path.Combine(options.SshDirectory, "config");

    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (client, shown) = await ConnectedAsync(command.Description, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var commandLine = SshCommandLine.RemoteCommandLine(command, SshCommandLine.NeedsSudo(shown));
        // Without input, stdin is /dev/null so a script that reads it sees end of file at once.
        using var channel = client.CreateCommand(command.HasStdin ? commandLine : commandLine + " </dev/null");
        channel.CommandTimeout = command.Timeout + _options.LocalGrace;
        try
        {
            var execution = channel.ExecuteAsync(cancellationToken);
            if (command.OpenStdin() is { } stdin)
            {
                await using (stdin.ConfigureAwait(false))
                {
                    // Disposing the stream sends end of file.
                    await using var input = channel.CreateInputStream();
                    await stdin.CopyToAsync(input, cancellationToken).ConfigureAwait(false);
                }
            }
            await execution.ConfigureAwait(false);
        }
        catch (SshOperationTimeoutException)
        {
            throw SshFailure.TimedOut(_target, command, "");
        }
        catch (Exception error) when (error is SshConnectionException or SocketException or ObjectDisposedException)
        {
            throw new RemoteConnectionException(SshFailure.Describe(shown, shown.Ssh.Port ?? 22, command.Description, $"connection lost: {error.Message}"));
        }
        var exitCode = channel.ExitStatus ?? 128 + SignalNumber(channel.ExitSignal);
        if (SshFailure.IsRemoteTimeout(exitCode, clock.Elapsed, command.Timeout)) throw SshFailure.TimedOut(_target, command, channel.Error);
        return new RemoteResult(exitCode, channel.Result, channel.Error, clock.Elapsed);
    }

    /// <summary>With sudo when the login user, from the playbook or ssh_config, is named and is not root.</summary>
    public string CommandLineFor(RemoteCommand command)
    {
        var shown = _target;
        try
        {
            shown = Shown(Endpoint());
        }
        catch (FormatException)
        {
            // RunAsync reports the broken ssh_config; a dry run shows what the playbook alone says.
        }
        return SshCommandLine.RemoteCommandLine(command, SshCommandLine.NeedsSudo(shown));
    }

    public ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        _connecting.Dispose();
        return ValueTask.CompletedTask;
    }

    private SshNetEndpoint Endpoint() => SshNetEndpoint.ForTarget(_target, _config.Value, _options);

    // The target as ssh_config resolved it, for messages and the sudo decision.
    private SshTarget Shown(SshNetEndpoint endpoint) =>
        _target with { Address = endpoint.HostName, Ssh = _target.Ssh with { User = endpoint.NamedUser, Port = endpoint.Port } };

    private async Task<(SshClient Client, SshTarget Shown)> ConnectedAsync(string description, CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { Client.IsConnected: true } connected) return (connected.Client, connected.Shown);
            _connection?.Dispose();
            _connection = null;
            SshNetEndpoint endpoint;
            try
            {
                endpoint = Endpoint();
            }
            catch (FormatException error)
            {
                var path = ConfigPath(_options);
                throw new RemoteConnectionException(SshFailure.Describe(_target, _target.Ssh.Port ?? 22, description,
                    error.Message.StartsWith(path, StringComparison.Ordinal) ? error.Message : $"{path}: {error.Message}"));
            }
            var shown = Shown(endpoint);
            var connection = new Connection(shown);
            try
            {
                var (host, port) = (endpoint.HostName, endpoint.Port);
                Func<string> through = () => "";
                if (endpoint.Jump is { } jump)
                {
                    connection.Jump = await ConnectAsync(jump, jump.HostName, jump.Port, description, $"ProxyJump {jump.Name}: ", cancellationToken)
                        .ConfigureAwait(false);
                    // ssh -W asks the jump host for the target by name, as the target's ssh_config resolved it.
                    connection.Forward = new ForwardedPortLocal(IPAddress.Loopback.ToString(), endpoint.HostName, (uint)endpoint.Port);
                    string? forwardProblem = null;
                    connection.Forward.Exception += (_, failure) => forwardProblem ??= failure.Exception.Message;
                    connection.Jump.AddForwardedPort(connection.Forward);
                    try
                    {
                        connection.Forward.Start();
                    }
                    catch (Exception error) when (error is SshException or SocketException)
                    {
                        throw new RemoteConnectionException(SshFailure.Describe(shown, endpoint.Port, description,
                            $"ProxyJump {jump.Name}: cannot forward a local port: {error.Message}"));
                    }
                    (host, port) = (IPAddress.Loopback.ToString(), (int)connection.Forward.BoundPort);
                    through = () => $"\n(through ProxyJump {jump.Name}{(forwardProblem is null ? "" : ": " + forwardProblem)})";
                }
                connection.Client = await ConnectAsync(endpoint, host, port, description, "", cancellationToken, through).ConfigureAwait(false);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
            _connection = connection;
            return (connection.Client, shown);
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Logs in to <paramref name="endpoint"/> at <paramref name="host"/>:<paramref name="port"/> (a forwarded port when jumping).</summary>
    private async Task<SshClient> ConnectAsync(
        SshNetEndpoint endpoint, string host, int port, string description, string prefix, CancellationToken cancellationToken,
        Func<string>? through = null)
    {
        var shown = Shown(endpoint);
        var keyFiles = KeyFiles(endpoint, shown, description, prefix);
        var connection = new ConnectionInfo(host, port, endpoint.User, new PrivateKeyAuthenticationMethod(endpoint.User, keyFiles))
        {
            Timeout = _options.ConnectTimeout,
        };
        if (endpoint.KexAlgorithms is { } kex)
        {
            try
            {
                OfferKeyExchanges(connection, kex);
            }
            catch (FormatException error)
            {
                throw new RemoteConnectionException(SshFailure.Describe(shown, shown.Ssh.Port ?? 22, description,
                    $"{prefix}{ConfigPath(_options)}: {error.Message}"));
            }
        }
        var knownHosts = KnownHosts.Load(_target.KnownHostsFile is { } file
            ? [file]
            : [Path.Combine(_options.SshDirectory, "known_hosts"), _options.GlobalKnownHostsFile]);
        // Keys are checked under the host's own name and port, never the forwarded 127.0.0.1 port.
        PreferKnownKeyTypes(connection, knownHosts.KeyTypesFor(endpoint.HostName, endpoint.Port));

        string? problem = null;
        var client = new SshClient(connection) { KeepAliveInterval = _options.KeepAliveInterval };
        client.HostKeyReceived += (_, presented) =>
        {
            var verdict = knownHosts.Check(endpoint.HostName, endpoint.Port, presented.HostKey);
            presented.CanTrust = verdict == HostKeyVerdict.Trusted;
            problem = HostKeyMessage(verdict, KnownHosts.HostName(endpoint.HostName, endpoint.Port), KnownHosts.KeyType(presented.HostKey),
                presented.FingerPrintSHA256);
        };
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (Exception error) when (error is SshException or SocketException or ProxyException or TimeoutException)
        {
            client.Dispose();
            // A refused host key is the target's own verdict; other failures behind a jump may be the jump's doing.
            var detail = problem ?? (error is SshOperationTimeoutException ? "Connection timed out" : error.Message) + through?.Invoke();
            throw new RemoteConnectionException(SshFailure.Describe(shown, shown.Ssh.Port ?? 22, description, prefix + detail));
        }
    }

    /// <summary>The playbook's key, else ssh_config's IdentityFile, else the user's default keys. No agent: SSH.NET has none.</summary>
    private PrivateKeyFile[] KeyFiles(SshNetEndpoint endpoint, SshTarget shown, string description, string prefix)
    {
        if (endpoint.IdentityFiles.Count == 0)
        {
            throw new RemoteConnectionException(SshFailure.Describe(shown, shown.Ssh.Port ?? 22, description,
                $"{prefix}no private key: name one with Ssh(key: ...) or IdentityFile in ssh_config (the SSH.NET transport " +
                $"cannot use an agent), or add one to {_options.SshDirectory} (looked in {endpoint.IdentitySource})"));
        }
        try
        {
            return [.. endpoint.IdentityFiles.Select(path => new PrivateKeyFile(path))];
        }
        catch (Exception error) when (error is IOException or SshException or UnauthorizedAccessException)
        {
            throw new RemoteConnectionException(SshFailure.Describe(shown, shown.Ssh.Port ?? 22, description, $"{prefix}Load key: {error.Message}"));
        }
    }

    /// <summary>Offers the key exchanges ssh_config's KexAlgorithms names, in its order (SSH.NET offers its table's order).</summary>
    internal static void OfferKeyExchanges(ConnectionInfo connection, string kexAlgorithms)
    {
        var table = connection.KeyExchangeAlgorithms;
        var offered = SshAlgorithmList.Apply("KexAlgorithms", kexAlgorithms, [.. table.Keys], table.Keys.ToHashSet(StringComparer.Ordinal));
        var factories = offered.Select(name => (name, table[name])).ToList();
        table.Clear();
        foreach (var (name, factory) in factories) table.Add(name, factory);
    }

    /// <summary>Like ssh, ask first for the key types known_hosts holds for this host, so a known key is the one offered.</summary>
    private static void PreferKnownKeyTypes(ConnectionInfo connection, IReadOnlySet<string> knownTypes)
    {
        if (knownTypes.Count == 0) return;
        static string KeyTypeOf(string algorithm) => algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : algorithm;
        var unknown = connection.HostKeyAlgorithms.Keys.Where(algorithm => !knownTypes.Contains(KeyTypeOf(algorithm))).ToList();
        if (unknown.Count == connection.HostKeyAlgorithms.Count) return;
        foreach (var algorithm in unknown) connection.HostKeyAlgorithms.Remove(algorithm);
    }

    /// <summary>OpenSSH's wording, so the advice that follows (and scripts that grep for it) is the same for both transports.</summary>
    private string? HostKeyMessage(HostKeyVerdict verdict, string host, string keyType, string fingerprint)
    {
        var kind = keyType switch
        {
            "ssh-ed25519" => "ED25519",
            "ssh-rsa" => "RSA",
            _ when keyType.StartsWith("ecdsa-", StringComparison.Ordinal) => "ECDSA",
            _ => keyType,
        };
        return verdict switch
        {
            HostKeyVerdict.Trusted => null,
            HostKeyVerdict.Unknown => $"No {kind} host key is known for {host} and you have requested strict checking.\n" +
                                      $"Host key verification failed (SHA256:{fingerprint}).",
            HostKeyVerdict.Changed => $"WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! The {kind} key of {host} is now SHA256:{fingerprint}, " +
                                      $"not the one in {KnownHostsForDisplay}.\nHost key verification failed.",
            _ => $"Host key for {host} (SHA256:{fingerprint}) is marked @revoked in {KnownHostsForDisplay}.\nHost key verification failed.",
        };
    }

    private static int SignalNumber(string? signal) => signal switch
    {
        "HUP" => 1,
        "INT" => 2,
        "KILL" => 9,
        "PIPE" => 13,
        "TERM" => 15,
        _ => 127,
    };

    /// <summary>The target's client and, when jumping, the jump host's client and the forwarded port between them.</summary>
    private sealed class Connection(SshTarget shown) : IDisposable
    {
        public SshTarget Shown { get; } = shown;

        public SshClient Client { get; set; } = null!;

        public SshClient? Jump { get; set; }

        public ForwardedPortLocal? Forward { get; set; }

        public void Dispose()
        {
            Client?.Dispose();
            Forward?.Dispose();
            Jump?.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Rke2Converge.Remote.SshNet;

/// <summary>
/// Runs commands on one node over an in-process SSH.NET connection, opened on first use and shared by every command
/// (one channel each). The remote command line, timeouts, sudo and error messages are the OpenSSH transport's; host
/// keys are checked against the same known_hosts. What it cannot give: ssh_config, the agent and ProxyJump.
/// </summary>
public sealed class SshNetShell(SshTarget target, SshNetOptions options) : IRemoteShell
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private SshClient? _client;

    public string NodeName => target.NodeName;

    private int Port => target.Ssh.Port ?? 22;

    private string KnownHostsForDisplay => target.KnownHostsFile ?? "~/.ssh/known_hosts";

    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var client = await ConnectedAsync(command.Description, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var commandLine = CommandLineFor(command);
        // Without input, stdin is /dev/null so a script that reads it sees end of file at once.
        using var channel = client.CreateCommand(command.Stdin is null ? commandLine + " </dev/null" : commandLine);
        channel.CommandTimeout = command.Timeout + options.LocalGrace;
        try
        {
            var execution = channel.ExecuteAsync(cancellationToken);
            if (command.Stdin is { } stdin)
            {
                // Disposing the stream sends end of file.
                await using var input = channel.CreateInputStream();
                await input.WriteAsync(stdin, cancellationToken).ConfigureAwait(false);
            }
            await execution.ConfigureAwait(false);
        }
        catch (SshOperationTimeoutException)
        {
            throw SshFailure.TimedOut(target, command, "");
        }
        catch (Exception error) when (error is SshConnectionException or SocketException or ObjectDisposedException)
        {
            throw new RemoteConnectionException(SshFailure.Describe(target, Port, command.Description, $"connection lost: {error.Message}"));
        }
        var exitCode = channel.ExitStatus ?? 128 + SignalNumber(channel.ExitSignal);
        if (SshFailure.IsRemoteTimeout(exitCode, clock.Elapsed, command.Timeout)) throw SshFailure.TimedOut(target, command, channel.Error);
        return new RemoteResult(exitCode, channel.Result, channel.Error, clock.Elapsed);
    }

    public string CommandLineFor(RemoteCommand command) => SshCommandLine.RemoteCommandLine(command, SshCommandLine.NeedsSudo(target));

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _connecting.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<SshClient> ConnectedAsync(string description, CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is { IsConnected: true } connected) return connected;
            _client?.Dispose();
            _client = null;
            var client = NewClient(description, out var hostKeyProblem);
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is SshException or SocketException or ProxyException or TimeoutException)
            {
                client.Dispose();
                var detail = hostKeyProblem() ?? (error is SshOperationTimeoutException ? "Connection timed out" : error.Message);
                throw new RemoteConnectionException(SshFailure.Describe(target, Port, description, detail));
            }
            return _client = client;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private SshClient NewClient(string description, out Func<string?> hostKeyProblem)
    {
        var user = target.Ssh.User ?? Environment.UserName;
        var keyFiles = KeyFiles(description);
        var connection = new ConnectionInfo(target.Address, Port, user, new PrivateKeyAuthenticationMethod(user, keyFiles))
        {
            Timeout = options.ConnectTimeout,
        };
        var knownHosts = KnownHosts.Load(target.KnownHostsFile is { } file
            ? [file]
            : [Path.Combine(options.SshDirectory, "known_hosts"), options.GlobalKnownHostsFile]);
        PreferKnownKeyTypes(connection, knownHosts.KeyTypesFor(target.Address, Port));

        string? problem = null;
        var client = new SshClient(connection) { KeepAliveInterval = options.KeepAliveInterval };
        client.HostKeyReceived += (_, presented) =>
        {
            var verdict = knownHosts.Check(target.Address, Port, presented.HostKey);
            presented.CanTrust = verdict == HostKeyVerdict.Trusted;
            problem = HostKeyMessage(verdict, KnownHosts.KeyType(presented.HostKey), presented.FingerPrintSHA256);
        };
        hostKeyProblem = () => problem;
        return client;
    }

    /// <summary>The playbook's key, or the user's default keys as ssh would try them. No agent: SSH.NET has none.</summary>
    private PrivateKeyFile[] KeyFiles(string description)
    {
        string[] candidates = target.Ssh.IdentityFile is { } identity
            ? [identity]
            : [.. new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(name => Path.Combine(options.SshDirectory, name)).Where(File.Exists)];
        if (candidates.Length == 0)
        {
            throw new RemoteConnectionException(SshFailure.Describe(target, Port, description,
                $"no private key: name one with Ssh(key: ...) (the SSH.NET transport cannot use an agent), or add one to {options.SshDirectory}"));
        }
        try
        {
            return [.. candidates.Select(path => new PrivateKeyFile(path))];
        }
        catch (Exception error) when (error is IOException or SshException or UnauthorizedAccessException)
        {
            throw new RemoteConnectionException(SshFailure.Describe(target, Port, description, $"Load key: {error.Message}"));
        }
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
    private string? HostKeyMessage(HostKeyVerdict verdict, string keyType, string fingerprint)
    {
        var kind = keyType switch
        {
            "ssh-ed25519" => "ED25519",
            "ssh-rsa" => "RSA",
            _ when keyType.StartsWith("ecdsa-", StringComparison.Ordinal) => "ECDSA",
            _ => keyType,
        };
        var host = KnownHosts.HostName(target.Address, Port);
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
}

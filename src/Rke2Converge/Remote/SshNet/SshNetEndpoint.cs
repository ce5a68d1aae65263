namespace Rke2Converge.Remote.SshNet;

/// <summary>
/// Where and as whom the SSH.NET transport logs in, and through which jump host: the playbook's settings over
/// ssh_config over ssh's defaults, the precedence ssh gives its command line (-l, -p, -i) over its configuration.
/// </summary>
internal sealed record SshNetEndpoint(
    string Name,
    string HostName,
    int Port,
    string User,
    string? NamedUser,
    IReadOnlyList<string> IdentityFiles,
    string IdentitySource,
    SshNetEndpoint? Jump)
{
    /// <summary>ssh_config's KexAlgorithms for this host, as written; null for SSH.NET's own order.</summary>
    public string? KexAlgorithms { get; init; }

    /// <summary>Throws <see cref="FormatException"/> when ssh_config holds something this transport cannot follow.</summary>
    public static SshNetEndpoint ForTarget(SshTarget target, SshConfigFile config, SshNetOptions options)
    {
        var host = config.For(target.Address);
        var jump = host.ProxyJump is { } spec && SshJump.Parse(spec) is { } hop ? ForJump(hop, config, options) : null;
        return Resolve(target.Address, target.Ssh.User, target.Ssh.Port, target.Ssh.IdentityFile, host, options, jump);
    }

    private static SshNetEndpoint ForJump(SshJump hop, SshConfigFile config, SshNetOptions options)
    {
        var host = config.For(hop.Host);
        if (host.ProxyJump is { } further && SshJump.Parse(further) is not null)
        {
            throw new FormatException($"ProxyJump {hop.Host} itself has ProxyJump {further}: the SSH.NET transport jumps through one host only");
        }
        return Resolve(hop.Host, hop.User, hop.Port, identityFile: null, host, options, jump: null);
    }

    private static SshNetEndpoint Resolve(
        string name, string? user, int? port, string? identityFile, SshHostConfig host, SshNetOptions options, SshNetEndpoint? jump) =>
        ResolveLogin(name, user, port, identityFile, host, options, jump) with { KexAlgorithms = host.KexAlgorithms };

    private static SshNetEndpoint ResolveLogin(
        string name, string? user, int? port, string? identityFile, SshHostConfig host, SshNetOptions options, SshNetEndpoint? jump)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var hostName = host.HostName is { } configured
            ? SshConfigFile.Expand(configured, home, new Dictionary<char, string> { ['h'] = name })
            : name;
        var namedUser = user ?? host.User;
        var login = namedUser ?? Environment.UserName;
        var finalPort = port ?? host.Port ?? 22;
        if (identityFile is not null) return new(name, hostName, finalPort, login, namedUser, [identityFile], "Ssh(key: ...)", jump);

        if (host.IdentityFiles.Count > 0)
        {
            var tokens = new Dictionary<char, string>
            {
                ['h'] = hostName,
                ['n'] = name,
                ['p'] = finalPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ['r'] = login,
                ['u'] = Environment.UserName,
                ['l'] = Environment.MachineName,
            };
            // As ssh does, configured keys that do not exist are passed over.
            var listed = host.IdentityFiles.Select(file => SshConfigFile.Expand(file, home, tokens)).ToList();
            return new(name, hostName, finalPort, login, namedUser, [.. listed.Where(File.Exists)],
                "IdentityFile " + string.Join(", ", listed), jump);
        }
        var defaults = new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(key => Path.Combine(options.SshDirectory, key)).Where(File.Exists);
        return new(name, hostName, finalPort, login, namedUser, [.. defaults], options.SshDirectory, jump);
    }
}

namespace Rke2Converge.Remote.SshNet;

/// <summary>How the in-process SSH.NET transport connects; the defaults match <see cref="OpenSshOptions"/>.</summary>
internal sealed record SshNetOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Extra time beyond a command's own timeout before the channel is abandoned locally.</summary>
    public TimeSpan LocalGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the user's keys and known_hosts are looked for when the playbook names none.</summary>
    public string SshDirectory { get; init; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");

    /// <summary>The ssh_config read for host aliases, users, ports, keys and ProxyJump; null: <c>config</c> in <see cref="SshDirectory"/>.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The system-wide known_hosts, read after the user's as ssh does.</summary>
    public string GlobalKnownHostsFile { get; init; } = "/etc/ssh/ssh_known_hosts";
}

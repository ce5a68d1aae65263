using Rke2Converge.Remote.SshNet;
using Xunit;

namespace Rke2Converge.Tests.Remote;

/// <summary>known_hosts as written by OpenSSH's own tools (ssh-keygen hashes the file here), read back by the SSH.NET transport.</summary>
public sealed class KnownHostsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rk2kh-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (string Line, byte[] Blob) NewKey(string name, string type = "ed25519")
    {
        var file = Path.Combine(_directory, name);
        LocalProcess.RunChecked("ssh-keygen", "-q", "-t", type, "-N", "", "-f", file);
        var line = SshdLab.PublicKey(file);
        return (line, Convert.FromBase64String(line.Split(' ')[1]));
    }

    private KnownHosts Write(params string[] lines)
    {
        var file = Path.Combine(_directory, "known_hosts");
        File.WriteAllLines(file, lines);
        return KnownHosts.Load([file, Path.Combine(_directory, "missing")]);
    }

    [Fact]
    public void Hashed_entries_match_their_host_and_port_only()
    {
        var key = NewKey("a");
        var file = Path.Combine(_directory, "known_hosts");
        File.WriteAllLines(file, [$"[10.1.2.3]:2222 {key.Line}", $"127.0.77.1 {key.Line}"]);
        LocalProcess.RunChecked("ssh-keygen", "-q", "-H", "-f", file);
        Assert.DoesNotContain("10.1.2.3", File.ReadAllText(file));

        var knownHosts = KnownHosts.Load([file]);

        Assert.Equal(HostKeyVerdict.Trusted, knownHosts.Check("10.1.2.3", 2222, key.Blob));
        Assert.Equal(HostKeyVerdict.Trusted, knownHosts.Check("127.0.77.1", 22, key.Blob));
        Assert.Equal(HostKeyVerdict.Unknown, knownHosts.Check("10.1.2.3", 22, key.Blob));
    }

    [Fact]
    public void Another_key_of_a_known_type_is_a_change_and_of_an_unknown_type_is_unknown()
    {
        var known = NewKey("known");
        var knownHosts = Write($"host-1,10.0.0.1 {known.Line}");

        Assert.Equal(HostKeyVerdict.Changed, knownHosts.Check("10.0.0.1", 22, NewKey("other").Blob));
        Assert.Equal(HostKeyVerdict.Unknown, knownHosts.Check("10.0.0.1", 22, NewKey("rsa", "rsa").Blob));
        Assert.Equal(["ssh-ed25519"], knownHosts.KeyTypesFor("10.0.0.1", 22));
    }

    [Fact]
    public void Wildcards_negation_revocation_comments_and_garbage()
    {
        var key = NewKey("k");
        var knownHosts = Write(
            "# a comment",
            "this line is not an entry",
            $"10.9.* {key.Line.Split(' ')[0]} !!notbase64!!",
            $"10.1.*,!10.1.9.9 {key.Line}",
            $"@cert-authority * {key.Line}");

        Assert.Equal(HostKeyVerdict.Trusted, knownHosts.Check("10.1.4.4", 22, key.Blob));
        Assert.Equal(HostKeyVerdict.Unknown, knownHosts.Check("10.1.9.9", 22, key.Blob));
        Assert.Equal(HostKeyVerdict.Unknown, knownHosts.Check("10.9.0.1", 22, key.Blob));
        Assert.Equal(HostKeyVerdict.Revoked, Write($"10.1.4.4 {key.Line}", $"@revoked * {key.Line}").Check("10.1.4.4", 22, key.Blob));
    }
}

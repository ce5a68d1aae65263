using Renci.SshNet;
using Rke2Converge.Remote.SshNet;
using Xunit;

namespace Rke2Converge.Tests.Remote;

public sealed class SshAlgorithmListTests
{
    private static readonly string[] Defaults = ["sntrup761x25519-sha512", "curve25519-sha256", "ecdh-sha2-nistp256", "diffie-hellman-group14-sha256"];
    private static readonly HashSet<string> Supported = [.. Defaults, "diffie-hellman-group1-sha1"];

    [Theory]
    [InlineData("curve25519-sha256,ecdh-sha2-nistp256", "curve25519-sha256,ecdh-sha2-nistp256")]
    [InlineData("+diffie-hellman-group1-sha1", "sntrup761x25519-sha512,curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256,diffie-hellman-group1-sha1")]
    [InlineData("-sntrup761*,diffie-hellman-*", "curve25519-sha256,ecdh-sha2-nistp256")]
    [InlineData("^curve25519-sha256", "curve25519-sha256,sntrup761x25519-sha512,ecdh-sha2-nistp256,diffie-hellman-group14-sha256")]
    [InlineData("mlkem1024nistp384-sha384,curve25519-sha256", "curve25519-sha256")]
    public void Applies_ssh_configs_list_forms_to_the_defaults(string spec, string expected)
    {
        Assert.Equal(expected.Split(','), SshAlgorithmList.Apply("KexAlgorithms", spec, Defaults, Supported));
    }

    [Fact]
    public void A_list_of_only_unsupported_names_is_refused_with_what_is_supported()
    {
        var error = Assert.Throws<FormatException>(() => SshAlgorithmList.Apply("KexAlgorithms", "mlkem1024nistp384-sha384", Defaults, Supported));

        Assert.Contains("KexAlgorithms 'mlkem1024nistp384-sha384' leaves nothing", error.Message);
        Assert.Contains("curve25519-sha256", error.Message);
    }

    [Theory]
    [InlineData("curve25519-sha256,,ecdh-sha2-nistp256")]
    [InlineData("+")]
    [InlineData("curve25519-sha256,")]
    public void Malformed_lists_are_reported_with_file_and_line(string spec)
    {
        var error = Assert.Throws<FormatException>(() => SshConfigFile.Parse($"Host *\n  KexAlgorithms {spec}\n", "/home/u/.ssh/config"));

        Assert.StartsWith($"/home/u/.ssh/config:2: bad KexAlgorithms '{spec}'", error.Message);
    }

    [Fact]
    public void The_first_kex_algorithms_found_for_a_host_wins()
    {
        var config = SshConfigFile.Parse("Host fast-*\n  KexAlgorithms curve25519-sha256\nHost *\n  KexAlgorithms -sntrup761*\n");

        Assert.Equal("curve25519-sha256", config.For("fast-1").KexAlgorithms);
        Assert.Equal("-sntrup761*", config.For("other").KexAlgorithms);
    }

    [Fact]
    public void The_connection_offers_the_listed_key_exchanges_in_the_listed_order()
    {
        var connection = new ConnectionInfo("127.0.0.1", "root", new NoneAuthenticationMethod("root"));

        SshNetShell.OfferKeyExchanges(connection, "ecdh-sha2-nistp256,curve25519-sha256");

        Assert.Equal(["ecdh-sha2-nistp256", "curve25519-sha256"], connection.KeyExchangeAlgorithms.Keys);
    }
}

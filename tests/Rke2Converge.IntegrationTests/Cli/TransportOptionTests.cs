using System.CommandLine;
using Rke2Converge.Cli.Commands;
using Rke2Converge.Model;

namespace Rke2Converge.IntegrationTests.Cli;

/// <summary><c>--transport</c> overrides the playbook's <c>Ssh(transport: ...)</c> only when it is given. No lab.</summary>
public sealed class TransportOptionTests
{
    [Theory]
    [InlineData(new[] { "site.csx" }, null)]
    [InlineData(new[] { "site.csx", "--transport", "openssh" }, SshTransport.OpenSsh)]
    [InlineData(new[] { "site.csx", "--transport", "sshnet" }, SshTransport.SshNet)]
    public void Only_an_explicit_transport_option_overrides_the_playbook(string[] args, SshTransport? expected)
    {
        var options = new CommonOptions();
        var command = new Command("plan");
        options.AddTo(command);

        var parsed = command.Parse(args);

        Assert.Empty(parsed.Errors);
        var transport = options.Read(parsed).Transport;
        Assert.Equal(expected, transport);
        Assert.Equal(expected ?? SshTransport.SshNet, SshTransportChoice.Resolve(transport, playbook: SshTransport.SshNet));
    }

    [Fact]
    public void A_command_that_contacts_no_host_has_no_transport()
    {
        var options = new CommonOptions(contactsHosts: false);
        var command = new Command("validate");
        options.AddTo(command);

        Assert.Null(options.Read(command.Parse(["site.csx"])).Transport);
    }
}

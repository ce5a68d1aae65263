using LabSystemd.Commands;
using LabSystemd.State;
using LabSystemd.Units;

namespace Rke2Converge.Tests.LabSystemd;

/// <summary>The lab's systemctl and journalctl refuse what systemd's refuse, and --help only prints help.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rke2c-labsystemd-").FullName;

    private HostPaths Paths => new() { StateRoot = Path.Combine(_root, "state"), UnitSearchPath = [Path.Combine(_root, "units")], HostEnvFile = Path.Combine(_root, "host.env") };

    [Theory]
    [InlineData("restart --help rke2-server")]
    [InlineData("-h")]
    public void Systemctl_help_prints_usage_and_acts_on_no_unit(string arguments)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var systemctl = new SystemctlCommand(new UnitCatalog(Paths), new StateStore(Paths), stdout, stderr);

        Assert.Equal(0, systemctl.Run(arguments.Split(' ')));
        Assert.StartsWith("systemctl [OPTIONS...] COMMAND", stdout.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Paths.UnitsStateDirectory) && Directory.EnumerateFileSystemEntries(Paths.UnitsStateDirectory).Any());
    }

    [Theory]
    [InlineData("restart --bogus rke2-server", "systemctl: unrecognized option '--bogus'")]
    [InlineData("frobnicate rke2-server", "Unknown command verb 'frobnicate'.")]
    public void Systemctl_refuses_unknown_options_and_verbs(string arguments, string error)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var systemctl = new SystemctlCommand(new UnitCatalog(Paths), new StateStore(Paths), stdout, stderr);

        Assert.NotEqual(0, systemctl.Run(arguments.Split(' ')));
        Assert.Contains(error, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Journalctl_help_prints_usage_and_an_unknown_option_is_refused()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var journalctl = new JournalctlCommand(Paths, stdout, stderr);

        Assert.Equal(0, journalctl.Run(["-u", "rke2-server", "--help"], DateTimeOffset.UtcNow));
        Assert.StartsWith("journalctl [OPTIONS...]", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, journalctl.Run(["--bogus"], DateTimeOffset.UtcNow));
        Assert.Contains("journalctl: unrecognized option '--bogus'", stderr.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

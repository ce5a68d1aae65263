using Rke2Converge.Plan.Changes;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>The service command of a certificate rotation: stop, rotate, start, and never a server left stopped.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CertificateRotationScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rke2c-rotate-").FullName;

    [Theory]
    [InlineData(0, "show stop rotate start", true)]
    [InlineData(1, "show stop rotate start", false)]
    public async Task The_service_is_stopped_rotated_and_started_even_when_the_rotation_fails(int rotateExit, string expectedCalls, bool succeeds)
    {
        var calls = Path.Join(_dir, "calls");
        var marker = Path.Join(_dir, "pending");
        var rke2 = Path.Join(_dir, "rke2");
        File.WriteAllText(rke2, $"#!/bin/sh\n[ \"$1 $2\" = 'certificate rotate' ] || exit 9\necho rotate >> '{calls}'\nexit {rotateExit}\n");
        File.SetUnixFileMode(rke2, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var systemctl = $$"""
            systemctl() {
              case "$1" in
                show) echo show >> '{{calls}}'; echo 4242 ;;
                stop) echo stop >> '{{calls}}' ;;
                start) [ "$2" = --no-block ] || return 7; echo start >> '{{calls}}' ;;
                *) return 8 ;;
              esac
            }

            """;
        var command = ServiceOperations.Apply(new ServiceChange("rke2-server", ServiceAction.RotateCertificates, false, "test"));
        var arguments = command.Arguments.ToArray();
        arguments[3] = marker;
        arguments[4] = rke2;

        var result = await new LocalShell("node-1").RunAsync(command with { Script = systemctl + command.Script, Arguments = arguments }, CancellationToken.None);

        Assert.Equal(succeeds, result.Succeeded);
        Assert.Equal(expectedCalls, string.Join(' ', File.ReadAllLines(calls)));
        if (succeeds)
        {
            Assert.Equal(4242, ServiceOperations.PreviousMainPid(result));
            Assert.Contains("verify", File.ReadAllText(marker), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("rke2 certificate rotate failed; rke2-server was started again on its old certificates", result.Stderr, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

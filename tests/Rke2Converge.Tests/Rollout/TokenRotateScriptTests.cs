using System.Runtime.Versioning;
using System.Text;
using Rke2Converge.Rollout.Operations;
using Rke2Converge.Tests.Remote;

namespace Rke2Converge.Tests.Rollout;

/// <summary>The remote script of <c>rke2c token rotate</c>, run with sh here against a stand-in rke2 that records its arguments.</summary>
[SupportedOSPlatform("linux")]
public sealed class TokenRotateScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rke2c-token-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (LocalProcess.Result Result, string? Called) Run(string serverToken, string newToken)
    {
        var rke2 = Path.Combine(_dir, "rke2");
        var calls = Path.Combine(_dir, "calls");
        File.WriteAllText(rke2, $"#!/bin/sh\nprintf '%s\\n' \"$*\" > '{calls}'\necho 'Token rotated, restart rke2 nodes with new token'\n");
        File.SetUnixFileMode(rke2, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var tokenFile = Path.Combine(_dir, "token");
        File.WriteAllText(tokenFile, serverToken + "\n");
        var command = TokenOperations.Rotate(newToken);
        var result = LocalProcess.Run("sh", ["-c", command.Script, "sh", rke2, tokenFile], Encoding.UTF8.GetString(command.Stdin!));
        return (result, File.Exists(calls) ? File.ReadAllText(calls).TrimEnd('\n') : null);
    }

    [Fact]
    public void The_new_passphrase_reaches_rke2_token_rotate_and_neither_token_is_in_the_script_or_its_arguments()
    {
        var (result, called) = Run($"K10{new string('a', 64)}::server:old-pass", "new:pass");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("token rotate --new-token new:pass", called);
        var command = TokenOperations.Rotate("new:pass");
        Assert.DoesNotContain("new:pass", command.Script + string.Join(' ', command.Arguments), StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_new_token_is_passed_as_its_passphrase()
    {
        var (_, called) = Run("old-pass", $"K10{new string('b', 64)}::server:new-pass");

        Assert.Equal("token rotate --new-token new-pass", called);
    }

    [Fact]
    public void A_server_already_holding_the_new_token_is_left_alone()
    {
        var (result, called) = Run($"K10{new string('a', 64)}::server:same", "same");

        Assert.Equal(0, result.ExitCode);
        Assert.Null(called);
        Assert.Contains("already holds the new token", result.StdoutText, StringComparison.Ordinal);
    }
}

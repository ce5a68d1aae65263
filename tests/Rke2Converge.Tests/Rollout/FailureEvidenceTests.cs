using Rke2Converge.Rollout.Operations;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Rollout;

/// <summary>The journal lines quoted when a node fails carry no secrets-encryption key.</summary>
public sealed class FailureEvidenceTests
{
    [Fact]
    public async Task A_new_encryption_key_logged_by_rke2_is_masked_on_the_host()
    {
        const string Journal = """
            journalctl() {
              echo 'time="2026-12-03T10:00:00Z" level=info msg="Adding secrets-encryption key:  {aescbckey-2026-12-03T10:00:00Z c2VjcmV0LWtleS1ieXRlcw==}"'
              echo 'time="2026-12-03T10:00:01Z" level=fatal msg="the line that explains"'
            }

            """;
        var command = ServiceOperations.FailureEvidence("rke2-server", 50);

        var result = await new LocalShell("node-1").RunAsync(command with { Script = Journal + command.Script }, CancellationToken.None);

        Assert.True(result.Succeeded, result.Stderr);
        Assert.DoesNotContain("c2VjcmV0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Adding secrets-encryption key:  (sensitive)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("level=fatal msg=\"the line that explains\"", result.Stdout, StringComparison.Ordinal);
    }
}

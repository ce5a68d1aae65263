using Rke2Converge.Plan.Diff;
using Xunit;

namespace Rke2Converge.Tests.Plan;

public sealed class UnifiedDiffTests
{
    [Fact]
    public void Equal_files_give_no_diff() => Assert.Equal("", UnifiedDiff.Create("/f", "a\nb\n", "a\nb\n"));

    [Fact]
    public void A_changed_line_shows_as_removed_then_added_with_three_lines_of_context()
    {
        var before = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"line {i}")) + "\n";
        var after = before.Replace("line 5\n", "line five\n", StringComparison.Ordinal);

        var diff = UnifiedDiff.Create("/etc/x.conf", before, after);

        Assert.Equal("""
            --- /etc/x.conf
            +++ /etc/x.conf
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +line five
             line 6
             line 7
             line 8

            """.Replace("\r", "", StringComparison.Ordinal), diff);
    }

    [Fact]
    public void A_new_file_is_diffed_against_dev_null()
    {
        Assert.Equal("--- /dev/null\n+++ /f\n@@ -0,0 +1,2 @@\n+a\n+b\n", UnifiedDiff.Create("/f", null, "a\nb\n"));
    }

    [Fact]
    public void Distant_changes_get_separate_hunks_and_near_ones_share_one()
    {
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"{i}")) + "\n";
        var after = before.Replace("\n2\n", "\ntwo\n", StringComparison.Ordinal).Replace("\n4\n", "\nfour\n", StringComparison.Ordinal)
            .Replace("\n18\n", "\neighteen\n", StringComparison.Ordinal);

        var diff = UnifiedDiff.Create("/f", before, after);

        Assert.Equal(2, diff.Split('\n').Count(line => line.StartsWith("@@", StringComparison.Ordinal)));
        Assert.Contains("@@ -1,7 +1,7 @@", diff, StringComparison.Ordinal);
        Assert.Contains("@@ -15,6 +15,6 @@", diff, StringComparison.Ordinal);
    }
}

using Rke2Converge.Logging;
using Serilog.Events;

namespace Rke2Converge.Tests.Logging;

public sealed class LogRetentionTests
{
    [Fact]
    public void Keeps_the_newest_runs_including_this_one_and_leaves_other_files_alone()
    {
        var directory = Directory.CreateTempSubdirectory("rke2c-logs-").FullName;
        for (var day = 10; day < 16; day++) File.WriteAllText(Path.Combine(directory, $"rke2c-202601{day}-120000-000-plan-1.jsonl"), "{}");
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "mine");
        var (logger, current) = RunLog.Create("apply", directory, LogEventLevel.Fatal, new SecretRedactor());
        logger.Dispose();

        var deleted = RunLog.Prune(directory, 3);

        Assert.Equal(4, deleted.Count);
        Assert.Equal(
            ["notes.txt", "rke2c-20260114-120000-000-plan-1.jsonl", "rke2c-20260115-120000-000-plan-1.jsonl", Path.GetFileName(current)],
            Directory.EnumerateFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_option_wins_over_the_environment_which_wins_over_the_default()
    {
        var before = Environment.GetEnvironmentVariable(RunLog.KeepVariable);
        try
        {
            Environment.SetEnvironmentVariable(RunLog.KeepVariable, null);
            Assert.Equal(RunLog.DefaultKeep, RunLog.KeepCount(null));
            Environment.SetEnvironmentVariable(RunLog.KeepVariable, "5");
            Assert.Equal(5, RunLog.KeepCount(null));
            Assert.Equal(2, RunLog.KeepCount(2));
            Environment.SetEnvironmentVariable(RunLog.KeepVariable, "zero");
            Assert.Equal(RunLog.DefaultKeep, RunLog.KeepCount(null));
        }
        finally
        {
            Environment.SetEnvironmentVariable(RunLog.KeepVariable, before);
        }
    }
}

namespace Rke2Converge.Cli.Output;

/// <summary>Exit codes scripts can rely on: plan exits 2 on drift so cron jobs and CI steps can alert.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Error = 1;
    public const int Drift = 2;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT), as shells report it.</summary>
    public const int Interrupted = 130;
}

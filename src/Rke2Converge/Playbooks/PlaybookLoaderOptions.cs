namespace Rke2Converge.Playbooks;

internal sealed record PlaybookLoaderOptions
{
    /// <summary>Where compiled playbooks are kept between runs.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>How long running the playbook may take before loading fails (a playbook only declares; default 30 s).</summary>
    public TimeSpan EvaluationTimeout { get; init; } = DefaultEvaluationTimeout();

    public const string EvaluationTimeoutVariable = "RKE2C_EVAL_TIMEOUT";

    /// <summary><c>$RKE2C_EVAL_TIMEOUT</c> seconds when set to a positive number, else 30 s.</summary>
    public static TimeSpan DefaultEvaluationTimeout() =>
        double.TryParse(Environment.GetEnvironmentVariable(EvaluationTimeoutVariable), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= int.MaxValue / 1000
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(30);

    /// <summary><c>$RKE2C_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/rke2c/playbooks</c>, else <c>~/.cache/rke2c/playbooks</c>.</summary>
    public static string DefaultCacheDirectory()
    {
        var explicitDirectory = Environment.GetEnvironmentVariable("RKE2C_CACHE_DIR");
        if (!string.IsNullOrWhiteSpace(explicitDirectory)) return Path.GetFullPath(explicitDirectory);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg)) return Path.GetFullPath(Path.Join(xdg, "rke2c", "playbooks"));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Join(home, ".cache", "rke2c", "playbooks");
    }
}

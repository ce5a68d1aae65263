namespace Rke2Converge.Playbooks;

public sealed record PlaybookLoaderOptions
{
    /// <summary>Where compiled playbooks are kept between runs.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

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

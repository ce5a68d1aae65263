namespace Rke2Converge.Model;

/// <summary>Kernel parameters the kubelet insists on when it protects kernel defaults.</summary>
internal static class KernelFlags
{
    /// <summary>
    /// With <c>protect-kernel-defaults: true</c> (forced by <c>profile: cis</c>) the kubelet refuses to start
    /// unless these sysctls hold exactly these values.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RequiredByProtectKernelDefaults { get; } =
        new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["kernel.panic"] = "10",
            ["kernel.panic_on_oops"] = "1",
            ["vm.overcommit_memory"] = "1",
            ["vm.panic_on_oom"] = "0",
        };

    /// <summary>True when a node's merged config makes the kubelet protect kernel defaults.</summary>
    public static bool AreProtected(ConfigMap mergedConfig)
    {
        var protect = mergedConfig["protect-kernel-defaults"];
        if (protect is true) return true;
        if (protect is string text && text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        return IsCisProfile(mergedConfig);
    }

    /// <summary>Whether the merged config runs RKE2 under a CIS profile.</summary>
    public static bool IsCisProfile(ConfigMap mergedConfig) => mergedConfig["profile"] is string profile && IsCisProfile(profile);

    // Older releases spelled the profile with a benchmark suffix (cis-1.23); all of them imply protection.
    private static bool IsCisProfile(string profile)
    {
        var trimmed = profile.Trim();
        return trimmed.Equals("cis", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("cis-", StringComparison.OrdinalIgnoreCase);
    }
}

namespace Rke2Converge.Model.Validation;

/// <summary>Kernel flags the kubelet insists on under protect-kernel-defaults (and so under profile: cis).</summary>
public static class KernelFlags
{
    public static IReadOnlyDictionary<string, string> RequiredByProtectKernelDefaults { get; } =
        new Dictionary<string, string>
        {
            ["vm.overcommit_memory"] = "1",
            ["vm.panic_on_oom"] = "0",
            ["kernel.panic"] = "10",
            ["kernel.panic_on_oops"] = "1",
        };
}

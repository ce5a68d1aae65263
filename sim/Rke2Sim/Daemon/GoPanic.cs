using Rke2Sim.Logging;

namespace Rke2Sim.Daemon;

/// <summary>Prints a Go runtime panic the way the Go runtime does (message, signal line, goroutine trace).</summary>
public static class GoPanic
{
    public static void Write(string message)
    {
        LogrusLog.Raw($"panic: {message}");
        LogrusLog.Raw("[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x3b8f2a4]");
        LogrusLog.Raw("");
        LogrusLog.Raw("goroutine 1 [running]:");
        // rancher/rke2#8236's trace starts in the startup-hooks WaitGroup; the simulator prints only that frame.
        LogrusLog.Raw("sync.(*WaitGroup).Wait(...)");
    }
}

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
        LogrusLog.Raw("github.com/k3s-io/k3s/pkg/secretsencrypt.GetEncryptionState(...)");
        LogrusLog.Raw("\t/go/pkg/mod/github.com/k3s-io/k3s@v1.32.4-0.20250424155212-5a1e5f2a3b1c/pkg/secretsencrypt/config.go:210");
        LogrusLog.Raw("github.com/k3s-io/k3s/pkg/server.(*Server).startOnAPIServerReady(...)");
        LogrusLog.Raw("\t/go/pkg/mod/github.com/k3s-io/k3s@v1.32.4-0.20250424155212-5a1e5f2a3b1c/pkg/server/server.go:178 +0x1c4");
    }
}

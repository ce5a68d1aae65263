using System.Runtime.InteropServices;

namespace Rke2Sim;

/// <summary>
/// .NET's TLS client on Linux loads the whole system trust store (every file in /etc/ssl/certs) before it asks the
/// certificate callback: 0.1-0.2 s a process on a loaded machine, which a Go client given its kubeconfig's CA never
/// pays. These clients accept any server certificate (the callback says yes, like <c>curl -k</c>), so an empty store
/// changes no answer. .NET reads the store's location from SSL_CERT_FILE and SSL_CERT_DIR through the C library.
/// </summary>
internal static partial class SystemTrustStore
{
    public static void Skip()
    {
        _ = SetEnv("SSL_CERT_FILE", "", 1);
        _ = SetEnv("SSL_CERT_DIR", "", 1);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}

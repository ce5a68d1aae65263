using System.Net.Sockets;
using System.Text;

namespace LabSystemd.Runner;

/// <summary>
/// The unit's NOTIFY_SOCKET: a unix datagram socket speaking the sd_notify protocol (newline-separated
/// assignments such as READY=1, STATUS=..., MAINPID=...).
/// </summary>
public sealed class NotifyListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NotifyListener(string path, Action<string, string> onAssignment)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (File.Exists(path)) File.Delete(path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _loop = ReceiveLoopAsync(onAssignment);
    }

    public string Path { get; }

    /// <summary>Completes when READY=1 arrives.</summary>
    public Task Ready => _ready.Task;

    private async Task ReceiveLoopAsync(Action<string, string> onAssignment)
    {
        var buffer = new byte[8192];
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try { received = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            foreach (var line in Encoding.UTF8.GetString(buffer, 0, received).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = line.IndexOf('=');
                if (equals <= 0) continue;
                var key = line[..equals];
                var value = line[(equals + 1)..];
                if (key == "READY" && value == "1") _ready.TrySetResult();
                onAssignment(key, value);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try { await _loop.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
        try { File.Delete(Path); }
        catch (IOException) { }
    }
}

namespace Rke2Sim.Daemon;

/// <summary>RKE2's static pod reconcile hook: every 20 s it logs which critical pod is not yet running the current manifest.</summary>
public sealed class NotSyncedLogger : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly List<string> _pending;

    public NotSyncedLogger(NodeDaemon daemon, string firstPod)
    {
        _pending = [firstPod];
        if (firstPod == "etcd" && daemon.Roles.ApiServer) _pending.Add("kube-apiserver");
        _stop = CancellationTokenSource.CreateLinkedTokenSource(daemon.Stopping);
        _ = RunAsync(daemon, _stop.Token);
    }

    public void MarkSynced(string pod)
    {
        lock (_pending) _pending.Remove(pod);
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested) _stop.Cancel();
    }

    private async Task RunAsync(NodeDaemon daemon, CancellationToken cancel)
    {
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                string? pod;
                lock (_pending) pod = _pending.FirstOrDefault();
                if (pod is null) return;
                daemon.Log($"Pod for {pod} not synced (pod sandbox not found), retrying");
                await Task.Delay(daemon.Timing.Scaled(20), cancel);
            }
        }
        catch (OperationCanceledException)
        {
            // Synced or stopping.
        }
    }
}

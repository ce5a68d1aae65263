namespace Rke2Converge.Rollout.Observers;

internal sealed class CompositeObserver(params IRolloutObserver[] observers) : IRolloutObserver
{
    public void NodeStarted(string node) => Each(o => o.NodeStarted(node));

    public void Step(string node, string step) => Each(o => o.Step(node, step));

    public void GateWaiting(string node, string gate, TimeSpan elapsed, string? lastObserved) => Each(o => o.GateWaiting(node, gate, elapsed, lastObserved));

    public void GatePassed(string node, string gate, TimeSpan elapsed) => Each(o => o.GatePassed(node, gate, elapsed));

    public void NodeSkipped(string node, string reason) => Each(o => o.NodeSkipped(node, reason));

    public void NodeConverged(string node, TimeSpan elapsed) => Each(o => o.NodeConverged(node, elapsed));

    public void NodeFailed(string node, string reason) => Each(o => o.NodeFailed(node, reason));

    private void Each(Action<IRolloutObserver> action)
    {
        foreach (var observer in observers) action(observer);
    }
}

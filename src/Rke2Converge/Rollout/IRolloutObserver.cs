namespace Rke2Converge.Rollout;

/// <summary>Hears what the rollout does, for live progress and logs. Calls may come from several agent tasks at once.</summary>
internal interface IRolloutObserver
{
    void NodeStarted(string node);

    void Step(string node, string step);

    void GateWaiting(string node, string gate, TimeSpan elapsed, string? lastObserved);

    void GatePassed(string node, string gate, TimeSpan elapsed);

    void NodeSkipped(string node, string reason);

    void NodeConverged(string node, TimeSpan elapsed);

    void NodeFailed(string node, string reason);
}

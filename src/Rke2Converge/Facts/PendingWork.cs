namespace Rke2Converge.Facts;

/// <summary>
/// What an earlier rollout left unfinished on a node, read from the marker rke2c writes before it changes anything
/// a running service depends on. Without it, a run interrupted between writing config.yaml (or the new binary) and
/// the restart would leave the old process running with nothing left to diff, and a node whose gates failed would
/// look converged to the next run.
/// </summary>
internal enum PendingWork
{
    None,

    /// <summary>Config or version changed; the service has not been restarted since.</summary>
    Restart,

    /// <summary>The service was (re)started; its readiness gates have not passed since.</summary>
    Verify,
}

using Rke2Converge.Remote;

namespace Rke2Converge.Rollout;

/// <summary>
/// Turns whatever a step throws into the cause line of the stop-the-line report, naming the node and the step.
/// Only the user's interrupt escapes the rollout; every other exception stops the line with a report.
/// </summary>
internal static class StepFailure
{
    /// <summary>True for every exception except the cancellation the user asked for (Ctrl-C).</summary>
    public static bool StopsTheLine(Exception error, CancellationToken cancellationToken) =>
        error is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    public static string Describe(string node, string step, Exception error)
    {
        if (error is NodeConvergeException) return error.Message; // already names the node, the gate and the evidence
        var message = error.Message.StartsWith(node + ": ", StringComparison.Ordinal) ? error.Message[(node.Length + 2)..] : error.Message;
        // Transport and file errors explain themselves; anything else is a bug or a surprise, so its type stays visible.
        var cause = error is RemoteException or IOException ? message : $"{error.GetType().Name}: {message}";
        return $"{node}: {step}: {cause}";
    }
}

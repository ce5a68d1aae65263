using System.CommandLine;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c restart site.csx [--limit ...]</c>: a rolling restart of RKE2 on a cluster that matches the playbook. It is
/// apply with every running node's service restarted: the same plan, question, lock, <c>--dry-run</c>, <c>-o json</c>
/// and order (servers one at a time in join order, then agents in batches), each node cordoned and drained per its
/// <c>Upgrade</c> policy, restarted, and through every gate before the next. Refused, changing nothing, when any host
/// differs from the playbook: apply converges those.
/// </summary>
internal static class RestartCommand
{
    public static Command Create() => Rolling(
        "restart",
        "Rolling restart of RKE2 on every node (or --limit) of a cluster that matches the playbook: one server at a time "
            + "in join order, then agents, each cordoned and drained per its Upgrade policy and through every readiness gate before the next; "
            + "refused when a host differs from the playbook (apply first)",
        Plan.Desired.RequestedRestart.Restart);

    /// <summary>A command that runs apply with every running node restarted as <paramref name="restart"/> says; <c>restart</c> and <c>certificate rotate</c>.</summary>
    internal static Command Rolling(string name, string description, Plan.Desired.RequestedRestart restart)
    {
        var verb = Verb(restart);
        var options = new CommonOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: show each command line the run would send; exit 2 when a node would restart" };
        var forceUnlock = new Option<bool>("--force-unlock") { Description = "Remove the lock another rke2c run holds on the hosts (a warning names it), then take it" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Go ahead without asking; needed when stdin is not a terminal" };
        var limit = new LimitOption("Only these nodes: " + LimitOption.Patterns);
        var command = new Command(name, description);
        options.AddTo(command);
        limit.AddTo(command);
        command.Options.Add(dryRun);
        command.Options.Add(forceUnlock);
        command.Options.Add(yes);
        command.SetAction((result, token) =>
        {
            var run = options.Read(result) with { Limit = limit.Read(result), RestartsNodes = restart };
            if (run.PlaybookPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"error: rke2c {verb} takes the playbook (.csx), not a saved plan ({run.PlaybookAsGiven}). Nothing was changed.");
                return Task.FromResult(Output.ExitCodes.Error);
            }
            return ApplyCommand.RunAsync(run, result.GetValue(dryRun), result.GetValue(forceUnlock), result.GetValue(yes), token, verb);
        });
        return command;
    }

    /// <summary>
    /// <c>rke2c reboot [--limit ...]</c>: a rolling reboot of the hosts of a cluster that matches the playbook, on
    /// apply's engine like restart: each node in its turn cordoned and drained per its <c>Upgrade</c> policy, rebooted,
    /// back over SSH with a new boot id, Ready as reported by the kubelet of the new boot, through every gate,
    /// uncordoned; a server only when every other etcd member is healthy.
    /// </summary>
    public static Command CreateReboot() => Rolling(
        "reboot",
        "Rolling reboot of the hosts (or --limit) of a cluster that matches the playbook: one server at a time in join order, "
            + "then agents in batches, each cordoned and drained per its Upgrade policy, rebooted, back with a new boot id and Ready from the new boot, "
            + "through every readiness gate before the next; refused when a host differs from the playbook (apply first)",
        Plan.Desired.RequestedRestart.Reboot);

    /// <summary>The command's name in messages.</summary>
    internal static string Verb(Plan.Desired.RequestedRestart restart) => restart switch
    {
        Plan.Desired.RequestedRestart.RotateCertificates => "certificate rotate",
        Plan.Desired.RequestedRestart.Reboot => "reboot",
        _ => "restart",
    };

    /// <summary>
    /// The nodes whose plan holds anything but the service change a restart makes (or starts a stopped unit with); a
    /// <c>Reboot.When</c> file that is there is no drift for a reboot, which does what it asks.
    /// </summary>
    internal static IReadOnlyList<string> Drift(ClusterPlan plan) =>
        [.. plan.Hosts.Where(host => host.Changes.Any(change => change is not ServiceChange
            && !(host.Desired.RestartRequested == Plan.Desired.RequestedRestart.Reboot && change.Effect == Resources.ServiceEffect.Reboot))).Select(host => host.Node)];
}

using System.CommandLine;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c certificate rotate site.csx [--limit ...]</c>: RKE2's certificate rotation (docs.rke2.io, "Certificate
/// Rotation") through apply's engine. Each server in join order is cordoned and drained per its <c>Upgrade</c>
/// policy, its service stopped, <c>rke2 certificate rotate</c> run, the service started and every gate passed before
/// the next; then the agents are restarted, so they renew their client certificates. Refused, changing nothing, when
/// a selected host differs from the playbook.
/// </summary>
internal static class CertificateCommand
{
    public static Command Create()
    {
        var rotate = RestartCommand.Rolling(
            "rotate",
            "Rotate RKE2's certificates on a cluster that matches the playbook: one server at a time in join order (stop, "
                + "`rke2 certificate rotate`, start, every readiness gate), then the agents restarted so they renew their client certificates; "
                + "refused when a host differs from the playbook (apply first)",
            Plan.Desired.RequestedRestart.RotateCertificates);
        var command = new Command("certificate", "RKE2 certificate operations");
        command.Subcommands.Add(rotate);
        return command;
    }
}

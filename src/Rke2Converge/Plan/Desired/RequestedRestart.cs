namespace Rke2Converge.Plan.Desired;

/// <summary>A restart of a running node that an operator's command asks for, not a change in the playbook.</summary>
internal enum RequestedRestart
{
    None,

    /// <summary><c>rke2c restart</c>: the service restarted.</summary>
    Restart,

    /// <summary>
    /// <c>rke2c certificate rotate</c>: on a server the service stopped, <c>rke2 certificate rotate</c>, started again; an
    /// agent restarted after the servers, so it renews its client certificates (docs.rke2.io, "Certificate Rotation").
    /// </summary>
    RotateCertificates,

    /// <summary><c>rke2c reboot</c>: the host rebooted; RKE2 starts with it.</summary>
    Reboot,
}

namespace Rke2Sim.Artifacts;

/// <summary>The files of RKE2's release tarball, relative to the install prefix (upstream's bundle/ layout).</summary>
public static class BundleFiles
{
    public sealed record BundleFile(string Path, string Content, UnixFileMode Mode);

    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Regular =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static IReadOnlyList<BundleFile> For(string version) =>
    [
        new("bin/rke2", Rke2Launcher(version), Executable),
        new("bin/rke2-killall.sh", KillAll, Executable),
        new("bin/rke2-uninstall.sh", Uninstall, Executable),
        new("lib/systemd/system/rke2-agent.service", Unit("agent", "rke2-server.service"), Regular),
        new("lib/systemd/system/rke2-server.service", Unit("server", "rke2-agent.service"), Regular),
        new("share/rke2/rke2-cis-sysctl.conf", CisSysctl, Regular),
    ];

    /// <summary>The systemd unit exactly as upstream ships it (type server or agent).</summary>
    public static string Unit(string type, string conflicts) => $$"""
        [Unit]
        Description=Rancher Kubernetes Engine v2 ({{type}})
        Documentation=https://github.com/rancher/rke2#readme
        Wants=network-online.target
        After=network-online.target
        Conflicts={{conflicts}}

        [Install]
        WantedBy=multi-user.target

        [Service]
        Type=notify
        EnvironmentFile=-/etc/default/%N
        EnvironmentFile=-/etc/sysconfig/%N
        EnvironmentFile=-/usr/local/lib/systemd/system/%N.env
        KillMode=process
        Delegate=yes
        LimitNOFILE=1048576
        LimitNPROC=infinity
        LimitCORE=infinity
        TasksMax=infinity
        TimeoutStartSec=0
        Restart=always
        RestartSec=5s
        ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service'
        ExecStartPre=-/sbin/modprobe br_netfilter
        ExecStartPre=-/sbin/modprobe overlay
        ExecStart=/usr/local/bin/rke2 {{type}}
        ExecStopPost=-/bin/sh -c "systemd-cgls /system.slice/%n | grep -Eo '[0-9]+ (containerd|kubelet)' | awk '{print $1}' | xargs -r kill"

        """;

    public const string CisSysctl = """
        vm.panic_on_oom=0
        vm.overcommit_memory=1
        kernel.panic=10
        kernel.panic_on_oops=1

        """;

    /// <summary>
    /// Stands in for the Go binary: hands over to the simulator, pinned to the version this tarball was built for.
    /// A bare <c>--version</c> is answered here, as cheaply as the real static binary answers it, with the same output;
    /// <c>secrets-encrypt</c> goes to rke2sim-client (the same code compiled ahead of time, so it starts like a Go
    /// binary) when the lab built it.
    /// </summary>
    public static string Rke2Launcher(string version)
    {
        var release = Versions.ReleaseInfo.Parse(version);
        return $$"""
            #!/bin/sh
            # RKE2 {{version}} (simulated): this build runs the rke2 simulator in place of the real binary.
            if [ "$#" -eq 1 ] && { [ "$1" = --version ] || [ "$1" = -v ]; }; then
              printf 'rke2 version %s (%s)\ngo version %s X:boringcrypto\n' '{{release.Version}}' '{{release.Commit}}' '{{release.GoVersion}}'
              exit 0
            fi
            set -a
            . /run/rke2-sim/host.env
            set +a
            if [ "${1:-}" = secrets-encrypt ] && [ -x "$RKE2_SIM_HOME/rke2sim-client" ]; then
              exec "$RKE2_SIM_HOME/rke2sim-client" rke2 --sim-version {{version}} "$@"
            fi
            exec "$RKE2_SIM_HOME/rke2sim" rke2 --sim-version {{version}} "$@"

            """;
    }

    public const string KillAll = """
        #!/bin/sh
        # Simulated rke2-killall.sh: stops the node's static pods and runtime like upstream's script does.
        [ $(id -u) -eq 0 ] || exec sudo $0 $@
        set -a
        . /run/rke2-sim/host.env
        set +a
        exec "$RKE2_SIM_HOME/rke2sim" killall

        """;

    public const string Uninstall = """
        #!/bin/sh
        set -ex
        # Simulated rke2-uninstall.sh: removes what the tarball install and rke2 itself created, like upstream's script.
        [ $(id -u) -eq 0 ] || exec sudo $0 $@
        INSTALL_RKE2_ROOT=${INSTALL_RKE2_ROOT:-/usr/local}
        for unit in rke2-server rke2-agent; do
            systemctl stop "$unit" 2>/dev/null || true
            systemctl disable "$unit" 2>/dev/null || true
        done
        "${INSTALL_RKE2_ROOT}/bin/rke2-killall.sh" || true
        rm -f "${INSTALL_RKE2_ROOT}/lib/systemd/system/rke2-server.service" \
              "${INSTALL_RKE2_ROOT}/lib/systemd/system/rke2-agent.service" \
              "${INSTALL_RKE2_ROOT}/lib/systemd/system/rke2-server.env" \
              "${INSTALL_RKE2_ROOT}/lib/systemd/system/rke2-agent.env"
        systemctl daemon-reload 2>/dev/null || true
        rm -rf /etc/rancher/rke2 /var/lib/rancher/rke2 /var/lib/kubelet /run/k3s
        rm -rf "${INSTALL_RKE2_ROOT}/share/rke2"
        rm -f "${INSTALL_RKE2_ROOT}/bin/rke2" "${INSTALL_RKE2_ROOT}/bin/rke2-killall.sh" "${INSTALL_RKE2_ROOT}/bin/rke2-uninstall.sh"

        """;
}

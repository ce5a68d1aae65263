// The local lab: RKE2 on five simulated hosts (3 all-in-one servers joined one at a time, then 2 agents).
// lab/demo.sh starts the hosts and sets the RKE2C_LAB_* variables and RKE2_TOKEN this playbook reads.
var lab = Env("RKE2C_LAB_DIR");
var net = Env("RKE2C_LAB_NET", "10");

Cluster("lab").Version(Env("RKE2C_LAB_VERSION", "v1.32.5+rke2r1")).Token(Secret.FromEnv("RKE2_TOKEN"));
Ssh(user: "root", key: $"{lab}/id_ed25519");
KnownHosts($"{lab}/known_hosts");
Artifacts.FromDirectory(Env("RKE2C_LAB_ARTIFACTS"));

// Kernel flags: protect-kernel-defaults makes rke2c add the four the kubelet checks; these are extra.
Sysctl("vm.swappiness", 10);
Sysctl("fs.inotify.max_user_instances", 8192);
Sysctl("net.ipv4.ip_forward", 1);

Config["protect-kernel-defaults"] = true;
var servers = Role(NodeRole.Server).Config;
servers["tls-san"] = new[] { "lab.rke2c.test" };
servers["write-kubeconfig-mode"] = "0600";
Server("server-1", $"127.0.{net}.1");
Server("server-2", $"127.0.{net}.2");
Server("server-3", $"127.0.{net}.3");
Agent("agent-1", $"127.0.{net}.4").Config["node-label"] = new[] { "pool=general" };
Agent("agent-2", $"127.0.{net}.5").Config["node-label"] = new[] { "pool=general" };

JoinOrder("server-1", "server-2", "server-3");

// Resources: files and settings RKE2 reads, on every node unless a role or node narrows them.
// A private registry mirror; its password comes from a file demo.sh writes, and never shows in plans or logs.
Registries()
    .Mirror("docker.io", new[] { "https://registry.lab.rke2c.test:5000" })
    .Config("registry.lab.rke2c.test:5000", username: "lab-puller", password: Secret.FromFile($"{lab}/registry-password"));
// RKE2's unit reads /etc/default/rke2-server (or rke2-agent); HTTPS stays direct so the nodes still reach each other.
EnvFile().Set("HTTP_PROXY", "http://proxy.lab.rke2c.test:3128").Set("NO_PROXY", "127.0.0.0/8,10.0.0.0/8,.svc,.cluster.local");
KernelModule("br_netfilter");
SystemdDropIn("limits", """
    [Service]
    LimitNOFILE=1048576
    """);
// On servers only: RKE2's deploy controller picks the manifest up while running, so it needs no restart.
Manifest("rke2-ingress-nginx-config", """
    apiVersion: helm.cattle.io/v1
    kind: HelmChartConfig
    metadata:
      name: rke2-ingress-nginx
      namespace: kube-system
    spec:
      valuesContent: |-
        controller:
          replicaCount: 1
    """);

// The simulator runs RKE2's timings scaled down, so the lab's gates can be short.
Gates.All(timeout: TimeSpan.FromMinutes(2), poll: TimeSpan.FromSeconds(1)).SettleWindow(TimeSpan.FromSeconds(3));
// A gate of our own, after the built-in ones: the restarted rke2 process runs with the proxy from the env file.
Gates.Custom("proxy reaches rke2",
    "for u in rke2-server rke2-agent; do p=$(systemctl show -p MainPID --value $u); [ \"$p\" -gt 0 ] && tr '\\0' '\\n' < /proc/$p/environ; done | grep '^HTTP_PROXY='",
    expect: "HTTP_PROXY=http://proxy.lab.rke2c.test:3128", timeout: TimeSpan.FromMinutes(1));

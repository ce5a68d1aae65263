using System.Text;
using Rke2Sim.Config;
using Rke2Sim.Hosting;
using Rke2Sim.Tls;
using Rke2Sim.Versions;

namespace Rke2Sim.Daemon;

/// <summary>The files RKE2 writes on a node: tokens, kubeconfigs, crictl config, static pod manifests and the runtime binaries.</summary>
public static class NodeFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static void WriteServerSecrets(ClusterCa ca, string tokenSecret)
    {
        SimPaths.WriteAtomically(SimPaths.ServerCaCert, ca.CertPem);
        if (ca.KeyPem is not null) SimPaths.WriteAtomically(SimPaths.ServerCaKey, ca.KeyPem, OwnerOnly);
        var full = ca.FullToken(tokenSecret) + "\n";
        SimPaths.WriteAtomically(SimPaths.TokenFile, full, OwnerOnly);
        SimPaths.WriteAtomically(SimPaths.NodeTokenFile, full, OwnerOnly);
    }

    /// <summary>etcd's certificates under <c>server/tls/etcd/</c>, where an etcd node's static pod and etcdctl read them.</summary>
    public const string EtcdTlsDir = SimPaths.TlsDir + "/etcd";

    /// <summary>
    /// The certificates k3s generates for etcd (pkg/daemons/control/deps/deps.go genETCDCerts): the server and peer
    /// CAs, <c>server-client</c> (etcd's own serving and client certificate), <c>client</c> (the apiserver's) and
    /// <c>peer-server-client</c>. Simplification: the cluster CA stands in for etcd's server and peer CAs, so
    /// <c>server-ca.crt</c> and <c>peer-ca.crt</c> are the cluster CA.
    /// </summary>
    public static void WriteEtcdCertificates(ClusterCa ca, DateTimeOffset now)
    {
        SimPaths.WriteAtomically(EtcdTlsDir + "/server-ca.crt", ca.CertPem);
        SimPaths.WriteAtomically(EtcdTlsDir + "/peer-ca.crt", ca.CertPem);
        foreach (var (name, commonName) in new[] { ("server-client", "etcd-server"), ("client", "etcd-client"), ("peer-server-client", "etcd-peer") })
        {
            if (SimPaths.ReadIfExists($"{EtcdTlsDir}/{name}.crt") is not null && SimPaths.ReadIfExists($"{EtcdTlsDir}/{name}.key") is not null) continue;
            var (cert, key) = ca.IssueClient(commonName, "etcd", now);
            SimPaths.WriteAtomically($"{EtcdTlsDir}/{name}.key", key, OwnerOnly);
            SimPaths.WriteAtomically($"{EtcdTlsDir}/{name}.crt", cert);
        }
    }

    public static void WriteKubeconfigs(ClusterCa ca, string loopback, NodeRoles roles, string node, DateTimeOffset now)
    {
        var server = $"https://{loopback}:6443";
        if (roles.ControlPlane)
        {
            var (cert, key) = ca.IssueClient("system:admin", "system:masters", now);
            SimPaths.WriteAtomically(SimPaths.AdminKubeconfig, Kubeconfig(server, ca.CertPem, cert, key), OwnerOnly);
        }
        var (kubeletCert, kubeletKey) = ca.IssueClient("system:node:" + node, "system:nodes", now);
        WriteKubeletKubeconfig(ca, loopback, kubeletCert, kubeletKey);
    }

    /// <summary>The kubelet's kubeconfig, with a client certificate the cluster CA signed (on an agent, the server signed it).</summary>
    /// <summary>
    /// The kubelet's kubeconfig and the CA files every node's agent fetches from its server at start
    /// (k3s pkg/agent/config/config.go: <c>agent/client-ca.crt</c> and <c>agent/server-ca.crt</c> through
    /// getHostFile). Simplification as for etcd: the cluster CA stands in for the client CA.
    /// </summary>
    public static void WriteKubeletKubeconfig(ClusterCa ca, string loopback, string certPem, string keyPem)
    {
        SimPaths.WriteAtomically(SimPaths.AgentDir + "/server-ca.crt", ca.CertPem);
        SimPaths.WriteAtomically(SimPaths.AgentDir + "/client-ca.crt", ca.CertPem);
        SimPaths.WriteAtomically(SimPaths.KubeletKubeconfig, Kubeconfig($"https://{loopback}:6443", ca.CertPem, certPem, keyPem), OwnerOnly);
    }

    public static void WriteRuntimeFiles(ReleaseInfo release, string simHome)
    {
        SimPaths.WriteAtomically(SimPaths.CrictlConfig, $"runtime-endpoint: unix://{SimPaths.ContainerdSocket}\n");
        const string crictl = """
            #!/bin/sh
            set -a
            . /run/rke2-sim/host.env
            set +a
            exec "$RKE2_SIM_HOME/rke2sim" crictl "$@"

            """;
        SimPaths.WriteAtomically(Path.Join(SimPaths.BinDir, "crictl"), crictl, Executable);
        InstallKubectl(release, simHome);
        Directory.CreateDirectory(Path.GetDirectoryName(SimPaths.Resolve(SimPaths.KubeletLog))!);
    }

    /// <summary>
    /// The genuine kubectl of the release's Kubernetes minor (or the nearest one the lab has), linked into
    /// /var/lib/rancher/rke2/bin as RKE2 stages its runtime image's binaries there (rancher/rke2
    /// pkg/bootstrap/bootstrap.go: bin is a symlink to data/&lt;image digest&gt;/bin, which holds kubectl).
    /// </summary>
    public static void InstallKubectl(ReleaseInfo release, string simHome)
    {
        var binary = KubectlBinaries.For(release, simHome)
            ?? throw new InvalidOperationException($"no kubectl under {Path.Join(simHome, KubectlBinaries.Directory)} (lab/lab.sh setup and build fetch them)");
        var link = SimPaths.Resolve(Path.Join(SimPaths.BinDir, "kubectl"));
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var temporary = link + ".tmp";
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, binary);
        File.Move(temporary, link, overwrite: true);
    }

    /// <summary>Writes the manifests of the components this node runs and removes those it no longer runs.</summary>
    /// <summary>Writes the static pod manifests; returns the components whose existing manifest changed (their pods get replaced).</summary>
    public static IReadOnlySet<string> WriteManifests(NodeRoles roles, Rke2Config config, ReleaseInfo release, string node, string address, string encryptionStage)
    {
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        var wanted = new Dictionary<string, string>();
        if (roles.Etcd) wanted["etcd"] = release.EtcdImageTag;
        if (roles.ApiServer) wanted["kube-apiserver"] = release.KubernetesImageTag;
        if (roles.ControllerManager && roles.IsServer) wanted["kube-controller-manager"] = release.KubernetesImageTag;
        if (roles.Scheduler && roles.IsServer) wanted["kube-scheduler"] = release.KubernetesImageTag;
        if (!config.DisableKubeProxy) wanted["kube-proxy"] = release.KubernetesImageTag;
        if (roles.ControlPlane && !config.DisableCloudController) wanted["cloud-controller-manager"] = "v1.33.0-rc1.0.20250430074337-dc03cb4b3faa-build20250508";
        var directory = SimPaths.Resolve(SimPaths.PodManifests);
        Directory.CreateDirectory(directory);
        foreach (var existing in Directory.GetFiles(directory, "*.yaml"))
        {
            if (!wanted.ContainsKey(Path.GetFileNameWithoutExtension(existing))) File.Delete(existing);
        }
        foreach (var (component, tag) in wanted)
        {
            var manifest = Manifest(component, ImageFor(component, tag), node, address, config, encryptionStage);
            var file = Path.Join(SimPaths.PodManifests, component + ".yaml");
            if (SimPaths.ReadIfExists(file) is { } existing && existing != manifest) replaced.Add(component);
            SimPaths.WriteAtomically(file, manifest, OwnerOnly);
        }
        return replaced;
    }

    public static string Kubeconfig(string server, string caPem, string certPem, string keyPem)
    {
        static string B64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
        return $$"""
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: {{B64(caPem)}}
                server: {{server}}
              name: default
            contexts:
            - context:
                cluster: default
                user: default
              name: default
            current-context: default
            kind: Config
            preferences: {}
            users:
            - name: default
              user:
                client-certificate-data: {{B64(certPem)}}
                client-key-data: {{B64(keyPem)}}

            """;
    }

    public static string ImageFor(string component, string tag) => component switch
    {
        "etcd" => $"index.docker.io/rancher/hardened-etcd:{tag}",
        "cloud-controller-manager" => $"index.docker.io/rancher/rke2-cloud-provider:{tag}",
        _ => $"index.docker.io/rancher/hardened-kubernetes:{tag}",
    };

    private static string Manifest(string component, string image, string node, string address, Rke2Config config, string encryptionStage)
    {
        var args = new StringBuilder();
        args.Append("    - ").Append(component).Append('\n');
        if (component == "kube-apiserver")
        {
            args.Append("    - --advertise-address=").Append(address).Append('\n');
            args.Append("    - --service-cluster-ip-range=").Append(config.GetString("service-cidr") ?? "10.43.0.0/16").Append('\n');
            args.Append("    - --encryption-provider-config=/var/lib/rancher/rke2/server/cred/encryption-config.json\n");
            args.Append("    - --encryption-provider-config-automatic-reload=true\n");
        }
        if (component == "etcd")
        {
            args.Append("    - --config-file=/var/lib/rancher/rke2/server/db/etcd/config\n");
        }
        var body = $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              annotations:
                etcd.k3s.io/initial: '{"encryption-stage":"{{encryptionStage}}"}'
              creationTimestamp: null
              labels:
                component: {{component}}
                tier: control-plane
              name: {{component}}
              namespace: kube-system
              uid: @UID@
            spec:
              containers:
              - image: {{image}}
                name: {{component}}
                args:
            {{args}}  hostNetwork: true
              priorityClassName: system-cluster-critical
            status: {}

            """;
        return body.Replace("@UID@", Cluster.KubeObjects.Uid(node + "/" + body), StringComparison.Ordinal);
    }
}

using Rke2Converge.Kubeconfig;
using Rke2Converge.Model;
using Xunit;
using static Rke2Converge.Tests.TestModels;

namespace Rke2Converge.Tests.Kubeconfig;

public sealed class AdminKubeconfigTests : IDisposable
{
    // The shape RKE2 writes to /etc/rancher/rke2/rke2.yaml.
    private const string Rke2Yaml = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: LS0tLS1CRUdJTi
            server: https://127.0.0.1:6443
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
            client-certificate-data: Q0VSVA==
            client-key-data: S0VZ

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("rke2c-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly NodeSpec[] Split =
    [
        Node("etcd-1", "10.0.0.11", NodeRole.EtcdOnly),
        Node("cp-1", "10.0.1.11", NodeRole.ControlPlaneOnly),
        Node("cp-2", "10.0.1.12", NodeRole.ControlPlaneOnly),
        Node("worker-1", "10.0.2.11", NodeRole.Agent),
    ];

    [Fact]
    public void The_source_is_the_first_server_in_join_order_that_runs_the_api_server()
    {
        var model = Cluster(Split) with { JoinOrder = ["etcd-1", "cp-2", "cp-1"] };

        Assert.Equal("cp-2", AdminKubeconfig.Source(model)?.Name);
        Assert.Null(AdminKubeconfig.Source(Cluster([Node("etcd-1", "10.0.0.11", NodeRole.EtcdOnly), Node("w", "10.0.2.1", NodeRole.Agent)])));
    }

    [Theory]
    [InlineData(null, "10.0.1.11", "https://10.0.1.11:6443")]
    [InlineData("https://rke2.example.com:9345", "10.0.1.11", "https://rke2.example.com:6443")]
    [InlineData(null, "fd00::11", "https://[fd00::11]:6443")]
    public void The_server_url_is_the_registration_host_or_the_source_on_the_api_port(string? registration, string address, string expected)
    {
        var source = Node("cp-1", address, NodeRole.ControlPlaneOnly);
        var model = Cluster([source]) with { RegistrationAddress = registration };

        Assert.Equal(expected, AdminKubeconfig.ServerUrl(model, source));
    }

    [Fact]
    public void Rewrite_changes_only_the_server_and_keeps_the_credentials()
    {
        var rewritten = AdminKubeconfig.Rewrite(Rke2Yaml, "https://rke2.example.com:6443");

        Assert.Equal(Rke2Yaml.Replace("https://127.0.0.1:6443", "https://rke2.example.com:6443", StringComparison.Ordinal), rewritten);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Config\n")]
    [InlineData("clusters: [unclosed\n")]
    [InlineData("- just\n- a list\n")]
    public void Rewrite_refuses_what_is_not_a_kubeconfig(string content) =>
        Assert.Throws<FormatException>(() => AdminKubeconfig.Rewrite(content, "https://x:6443"));

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void WriteFile_writes_0600_and_keeps_the_previous_file_as_bak()
    {
        var path = Path.Combine(_directory, "sub", "admin.yaml");

        Assert.Null(AdminKubeconfig.WriteFile(path, "first\n"));
        var backup = AdminKubeconfig.WriteFile(path, "second\n");

        Assert.Equal("second\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(path + ".bak", backup);
        Assert.Equal("first\n", File.ReadAllText(backup!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup!));
        Assert.Equal(["admin.yaml", "admin.yaml.bak"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order());
    }
}

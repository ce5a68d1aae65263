using Rke2Sim.Config;
using Xunit;

namespace Rke2Converge.Tests.Simulator;

public sealed class ConfigMergerTests
{
    [Fact]
    public void LastFileWinsForScalars()
    {
        var config = ConfigMerger.Merge([
            ("config.yaml", "token: a\nnode-name: first\n"),
            ("config.yaml.d/10-x.yaml", "token: b\n"),
        ]);
        Assert.Equal("b", config.Token);
        Assert.Equal("first", config.NodeName("host"));
    }

    [Fact]
    public void PlusSuffixAppendsToEarlierList()
    {
        var config = ConfigMerger.Merge([
            ("config.yaml", "node-label:\n  - a=1\n"),
            ("config.yaml.d/10-x.yaml", "node-label+:\n  - b=2\n"),
            ("config.yaml.d/20-y.yaml", "node-label+: c=3\n"),
        ]);
        Assert.Equal(["a=1", "b=2", "c=3"], config.GetList("node-label"));
    }

    [Fact]
    public void PlainKeyReplacesAnEarlierList()
    {
        var config = ConfigMerger.Merge([
            ("config.yaml", "tls-san:\n  - a\n  - b\n"),
            ("config.yaml.d/10-x.yaml", "tls-san:\n  - c\n"),
        ]);
        Assert.Equal(["c"], config.GetList("tls-san"));
    }

    [Fact]
    public void DropInsAreReadInNameOrder()
    {
        var root = Directory.CreateTempSubdirectory("rke2sim-config-");
        try
        {
            var dropIns = Directory.CreateDirectory(Path.Join(root.FullName, "config.yaml.d"));
            File.WriteAllText(Path.Join(root.FullName, "config.yaml"), "cni: canal\n");
            File.WriteAllText(Path.Join(dropIns.FullName, "20-b.yaml"), "cni: calico\n");
            File.WriteAllText(Path.Join(dropIns.FullName, "10-a.yaml"), "cni: cilium\n");
            File.WriteAllText(Path.Join(dropIns.FullName, "99-ignored.txt"), "cni: flannel\n");
            var config = ConfigMerger.LoadFrom(Path.Join(root.FullName, "config.yaml"), dropIns.FullName);
            Assert.Equal("calico", config.GetString("cni"));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void CriticalConfigFillsDefaultsAndNormalisesBooleans()
    {
        var config = ConfigMerger.Merge([("config.yaml", "cluster-cidr: 10.50.0.0/16\ndisable-kube-proxy: \"True\"\n")]);
        var critical = config.CriticalConfig();
        Assert.Equal("10.50.0.0/16", critical["cluster-cidr"]);
        Assert.Equal("10.43.0.0/16", critical["service-cidr"]);
        Assert.Equal("true", critical["disable-kube-proxy"]);
        Assert.Equal("false", critical["disable-cloud-controller"]);
    }

    [Fact]
    public void CisProfileForcesProtectKernelDefaults()
    {
        Assert.True(ConfigMerger.Merge([("c", "profile: cis\n")]).ProtectKernelDefaults);
        Assert.False(ConfigMerger.Merge([("c", "cni: canal\n")]).ProtectKernelDefaults);
        Assert.True(ConfigMerger.Merge([("c", "profile: cis\nprotect-kernel-defaults: false\n")]).ProtectKernelDefaultsExplicitlyOff);
    }

    [Fact]
    public void RolesFollowDisableFlags()
    {
        var etcdOnly = NodeRoles.ForServer(ConfigMerger.Merge([("c", "disable-apiserver: true\ndisable-controller-manager: true\ndisable-scheduler: true\n")]));
        Assert.True(etcdOnly.EtcdOnly);
        Assert.Equal("etcd", etcdOnly.RolesColumn);
        var controlPlaneOnly = NodeRoles.ForServer(ConfigMerger.Merge([("c", "disable-etcd: true\nserver: https://x:9345\n")]));
        Assert.True(controlPlaneOnly.ControlPlaneOnly);
        Assert.Equal("control-plane,master", controlPlaneOnly.RolesColumn);
    }

    [Fact]
    public void MalformedYamlIsAConfigError()
    {
        Assert.Throws<ConfigException>(() => ConfigMerger.Merge([("config.yaml", "token: [unclosed\n")]));
    }
}

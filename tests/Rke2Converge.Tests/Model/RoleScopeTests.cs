using Rke2Converge.Model;
using Rke2Converge.Model.Validation;

namespace Rke2Converge.Tests.Model;

/// <summary>Role(NodeRole.Server) on a cluster whose servers are all split: warned, naming the roles to use.</summary>
public sealed class RoleScopeTests
{
    private static ClusterModel WithServerRoleConfig(params NodeSpec[] nodes)
    {
        var config = new ConfigMap();
        config["etcd-expose-metrics"] = true;
        return TestModels.Cluster(nodes) with { RoleConfig = new Dictionary<NodeRole, ConfigMap> { [NodeRole.Server] = config } };
    }

    [Fact]
    public void Server_role_settings_on_a_split_cluster_are_a_warning_naming_the_split_roles_and_their_nodes()
    {
        var model = WithServerRoleConfig(TestModels.Node("e1", "10.0.0.1", NodeRole.EtcdOnly), TestModels.Node("cp1", "10.0.0.2", NodeRole.ControlPlaneOnly)) with
        {
            JoinOrder = ["e1", "cp1"],
        };

        var problems = new ModelValidator().Validate(model);

        var warning = Assert.Single(problems, p => p.Message.Contains("Role(NodeRole.Server)", StringComparison.Ordinal));
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Contains("Config[\"etcd-expose-metrics\"]", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Role(NodeRole.EtcdOnly) for e1 and Role(NodeRole.ControlPlaneOnly) for cp1", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_role_settings_with_a_server_node_or_without_split_nodes_are_not_warned()
    {
        var withServer = WithServerRoleConfig(TestModels.Node("s1", "10.0.0.1", NodeRole.Server), TestModels.Node("e2", "10.0.0.2", NodeRole.EtcdOnly)) with { JoinOrder = ["s1", "e2"] };

        Assert.DoesNotContain(new ModelValidator().Validate(withServer), p => p.Message.Contains("Role(NodeRole.Server)", StringComparison.Ordinal));
    }
}

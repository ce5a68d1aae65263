using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Playbooks;
using Xunit;

namespace Rke2Converge.Tests.Playbooks.Inventories;

/// <summary>
/// <c>Inventory.FromAnsible</c>, <c>FromYaml</c> and <c>FromCsv</c> in real playbooks: groups, children, variables and
/// their precedence, host ranges, group_vars/host_vars, SSH settings, and errors at the inventory's file:line.
/// </summary>
public sealed class InventoryTests : IDisposable
{
    private const string Header = """Cluster("lab").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("T"));""" + "\n";

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    /// <summary>The example of lablabs/ansible-role-rke2's README ("Inventory file example").</summary>
    private const string LablabsIni = """
        [masters]
        master-01 ansible_host=192.168.123.1
        master-02 ansible_host=192.168.123.2
        master-03 ansible_host=192.168.123.3

        [workers]
        worker-01 ansible_host=192.168.123.11
        worker-02 ansible_host=192.168.123.12
        worker-03 ansible_host=192.168.123.13

        [k8s_cluster:children]
        masters
        workers
        """;

    private async Task<ClusterModel> LoadAsync(string playbook)
    {
        var path = _workspace.Write("site.csx", Header + playbook);
        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Model;
    }

    private async Task<string> LoadErrorAsync(string playbook)
    {
        var path = _workspace.Write("site.csx", Header + playbook);
        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        Assert.False(result.Succeeded);
        return Assert.Single(result.Diagnostics).ToString();
    }

    [Fact]
    public async Task The_lablabs_example_inventory_maps_masters_to_servers_and_workers_to_agents()
    {
        _workspace.Write("hosts.ini", LablabsIni);

        var model = await LoadAsync("""
            var inventory = Inventory.FromAnsible("hosts.ini");
            foreach (var host in inventory.Group("masters").Hosts) Server(host);
            foreach (var host in inventory.Group("workers").Hosts) Agent(host);
            JoinOrder(inventory.Group("masters").Names);
            """);

        Assert.Equal(["master-01", "master-02", "master-03", "worker-01", "worker-02", "worker-03"], model.Nodes.Select(node => node.Name));
        Assert.Equal(("192.168.123.2", "192.168.123.12"), (model.Nodes.Single(node => node.Name == "master-02").Address, model.Nodes.Single(node => node.Name == "worker-02").Address));
        Assert.Equal([NodeRole.Server, NodeRole.Server, NodeRole.Server, NodeRole.Agent, NodeRole.Agent, NodeRole.Agent], model.Nodes.Select(node => node.Role));
        Assert.Equal(["master-01", "master-02", "master-03"], model.JoinOrder);
        Assert.DoesNotContain(new ModelValidator().Validate(model), problem => problem.Severity == Severity.Error);
    }

    [Fact]
    public async Task The_rancherfederal_example_inventory_reads_its_children_and_group_vars()
    {
        // docs/advanced_sample_inventory of rancherfederal/rke2-ansible: hosts.yml and group_vars/.
        _workspace.Write("inventory/hosts.yml", """
            ---
            rke2_cluster:
              children:
                rke2_servers:
                  hosts:
                    server0.example.com:
                rke2_agents:
                  hosts:
                    agent0.example.com:
            """);
        _workspace.Write("inventory/group_vars/all.yml", """
            ---
            rke2_install_version: v1.29.12+rke2r1
            cluster_rke2_config:
              selinux: true
            """);
        _workspace.Write("inventory/group_vars/rke2_servers.yml", """
            ---
            group_rke2_config:
              cni:
                - cilium
              disable-kube-proxy: true
            """);

        var model = await LoadAsync("""
            var inventory = Inventory.FromAnsible("inventory/hosts.yml");
            var server = inventory.Group("rke2_servers").Hosts.Single();
            Server(server, name: "server0");
            Agent(inventory.Host("agent0.example.com")!, name: "agent0");
            if (server.Text("rke2_install_version") != "v1.29.12+rke2r1") throw new System.Exception("all.yml not read");
            var config = (IReadOnlyDictionary<string, object?>)server.Vars["group_rke2_config"]!;
            if (((IReadOnlyList<object?>)config["cni"]!)[0] as string != "cilium") throw new System.Exception("rke2_servers.yml not read");
            if (inventory.Host("agent0.example.com")!.Vars.ContainsKey("group_rke2_config")) throw new System.Exception("server vars reached an agent");
            if (!server.InGroup("rke2_cluster") || !server.InGroup("all")) throw new System.Exception("membership through children lost");
            """);

        Assert.Equal(["server0", "agent0"], model.Nodes.Select(node => node.Name));
        Assert.Equal("server0.example.com", model.Nodes[0].Address);
    }

    [Fact]
    public async Task Host_variables_win_over_child_groups_which_win_over_parents_and_all()
    {
        _workspace.Write("hosts.ini", """
            [all:vars]
            level=all
            ansible_user=everyone

            [cluster:children]
            servers

            [cluster:vars]
            level=cluster
            shared=from-cluster

            [servers]
            s1 level=host
            s2

            [servers:vars]
            level=servers
            """);
        _workspace.Write("host_vars/s2.yml", "level: host_vars\n");

        var model = await LoadAsync("""
            var inventory = Inventory.FromAnsible("hosts.ini");
            string Level(string name) => inventory.Host(name)!.Text("level")!;
            if (Level("s1") != "host") throw new System.Exception("s1: " + Level("s1"));
            if (Level("s2") != "host_vars") throw new System.Exception("s2: " + Level("s2"));
            if (inventory.Host("s1")!.Text("shared") != "from-cluster") throw new System.Exception("parent var lost");
            foreach (var host in inventory.Group("servers").Hosts) Server(host);
            JoinOrder("s1", "s2");
            """);

        Assert.All(model.Nodes, node => Assert.Equal("everyone", node.Ssh.User));
    }

    [Fact]
    public async Task Ssh_settings_come_from_ansible_variables_and_a_port_after_the_host_name()
    {
        _workspace.Write("hosts.ini", """
            [servers]
            s1 ansible_host=10.0.0.1 ansible_user=ops ansible_ssh_private_key_file=keys/id_ed25519
            s2:2222 ansible_host="10.0.0.2"
            """);

        var model = await LoadAsync("""
            foreach (var host in Inventory.FromAnsible("hosts.ini").Group("servers").Hosts) Server(host);
            JoinOrder("s1", "s2");
            """);

        var s1 = model.Nodes[0];
        Assert.Equal(("10.0.0.1", "ops", Path.Join(_workspace.Root, "keys/id_ed25519")), (s1.Address, s1.Ssh.User, s1.Ssh.IdentityFile));
        Assert.Equal(("10.0.0.2", 2222), (model.Nodes[1].Address, model.Nodes[1].Ssh.Port));
    }

    [Fact]
    public async Task Host_ranges_expand_with_their_padding()
    {
        _workspace.Write("hosts.ini", "[workers]\nworker-[01:03] ansible_user=ops\nnode-[a:b]\n");

        var model = await LoadAsync("""
            foreach (var host in Inventory.FromAnsible("hosts.ini").Group("workers").Hosts) Agent(host);
            Server("s1", "10.0.0.1");
            """);

        Assert.Equal(["worker-01", "worker-02", "worker-03", "node-a", "node-b", "s1"], model.Nodes.Select(node => node.Name));
    }

    [Fact]
    public async Task Yaml_and_csv_host_lists_group_hosts_by_role()
    {
        _workspace.Write("hosts.yaml", """
            - name: s1
              address: 10.0.0.1
              role: server
              user: ops
            - name: a1
              address: 10.0.0.11
              role: agent
              port: 2200
            """);
        _workspace.Write("hosts.csv", "name,address,role,key,zone\ns2,10.0.0.2,server,~/.ssh/id_lab,\"eu, west\"\n# a comment\na2,10.0.0.12,agent,,b\n");

        var model = await LoadAsync("""
            var yaml = Inventory.FromYaml("hosts.yaml");
            var csv = Inventory.FromCsv("hosts.csv");
            foreach (var host in yaml.Group("server").Hosts.Concat(csv.Group("server").Hosts)) Server(host);
            foreach (var host in yaml.Group("agent").Hosts.Concat(csv.Group("agent").Hosts)) Agent(host);
            if (csv.Host("s2")!.Text("zone") != "eu, west") throw new System.Exception("extra column lost");
            JoinOrder("s1", "s2");
            """);

        Assert.Equal(["s1", "s2", "a1", "a2"], model.Nodes.Select(node => node.Name));
        Assert.Equal(("10.0.0.1", "ops"), (model.Nodes[0].Address, model.Nodes[0].Ssh.User));
        Assert.Equal(Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh/id_lab"), model.Nodes[1].Ssh.IdentityFile);
        Assert.Equal(2200, model.Nodes[2].Ssh.Port);
    }

    [Fact]
    public async Task A_node_name_the_inventory_gives_badly_is_reported_at_the_inventorys_line()
    {
        _workspace.Write("hosts.ini", "[masters]\n\nbad_name ansible_host=10.0.0.1\n");
        var path = _workspace.Write("site.csx", Header + """
            foreach (var host in Inventory.FromAnsible("hosts.ini").Group("masters").Hosts) Server(host);
            """);
        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));

        var problem = Assert.Single(new ModelValidator().Validate(result.Model), problem => problem.Severity == Severity.Error);

        Assert.Equal(new SourceLocation(Path.Join(_workspace.Root, "hosts.ini"), 3), problem.At);
        Assert.Contains("'bad_name' is not a valid RFC 1123 label", problem.Message);
    }

    [Theory]
    [InlineData("hosts.ini", "[masters]\ns1\n[masters:bogus]\n", "hosts.ini:3: error: section '[masters:bogus]': ':bogus' is neither :vars nor :children")]
    [InlineData("hosts.ini", "[masters]\ns1 ansible_host\n", "hosts.ini:2: error: host 's1': expected key=value, got 'ansible_host'")]
    [InlineData("hosts.ini", "[masters]\ns1 ansible_host=\"10.0.0.1\n", "hosts.ini:2: error: unterminated quote")]
    [InlineData("hosts.ini", "[w]\nw[0:99999]\n", "hosts.ini:2: error: host range '[0:99999]' names more than 10000 hosts")]
    [InlineData("hosts.ini", "[a:children]\nb\n[b:children]\na\n", "error: group ")]
    [InlineData("hosts.yml", "all:\n  hosts:\n    s1:\n  host:\n    s2:\n", "hosts.yml:4: error: group 'all': unknown key 'host'")]
    [InlineData("hosts.yml", "all:\n  hosts: [s1\n", "hosts.yml:3: error: not valid YAML")]
    public async Task A_broken_inventory_is_an_error_at_its_file_and_line(string file, string content, string expected)
    {
        _workspace.Write(file, content);

        var error = await LoadErrorAsync($"""
            Inventory.FromAnsible("{file}");
            Server("s1", "10.0.0.1");
            """);

        Assert.Contains(expected, error.Replace(_workspace.Root + "/", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_group_is_an_error_at_the_playbooks_line_with_the_nearest_name()
    {
        _workspace.Write("hosts.ini", LablabsIni);

        var error = await LoadErrorAsync("""
            var inventory = Inventory.FromAnsible("hosts.ini");
            inventory.Group("master");
            """);

        Assert.Contains("site.csx:3: error: ", error);
        Assert.Contains("has no group 'master'; did you mean 'masters'", error);
    }

    [Fact]
    public async Task A_missing_inventory_file_names_the_playbooks_line()
    {
        var error = await LoadErrorAsync("Inventory.FromAnsible(\"nowhere.ini\");\n");

        Assert.Contains("site.csx:2: error: cannot read the inventory ", error);
        Assert.Contains("nowhere.ini", error);
    }
}

using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Playbooks;
using Rke2Converge.Playbooks.Import;
using Xunit;

namespace Rke2Converge.Tests.Playbooks.Import;

/// <summary>
/// <c>rke2c import ansible</c> on inventories written the way each role's README documents them: the playbook it
/// writes compiles, validates and declares what the variables asked for; secrets never reach it; the rest are TODOs.
/// </summary>
public sealed class AnsibleImportTests : IDisposable
{
    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private async Task<ClusterModel> ValidatesAsync(string playbook)
    {
        var path = _workspace.Write("site.csx", playbook);
        _workspace.Write("known_hosts", "");
        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics) + "\n" + playbook);
        var errors = new ModelValidator().Validate(result.Model).Where(problem => problem.Severity == Severity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + playbook);
        return result.Model;
    }

    [Fact]
    public async Task The_lablabs_readme_inventory_and_variables_become_a_playbook_that_validates()
    {
        // README "Inventory file example", with variables from "Role Variables" in group_vars as users set them.
        var inventory = _workspace.Write("inventory/hosts.ini", """
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
            """);
        _workspace.Write("inventory/group_vars/k8s_cluster.yml", """
            rke2_version: v1.32.5+rke2r1
            rke2_token: defaultSecret12345
            rke2_ha_mode: true
            rke2_api_ip: 192.168.123.100
            rke2_additional_sans: [k8s.example.com]
            rke2_cni: [cilium]
            rke2_disable: [rke2-ingress-nginx]
            rke2_cluster_cidr: [10.42.0.0/16]
            rke2_server_node_taints: ['CriticalAddonsOnly=true:NoExecute']
            rke2_custom_registry_mirrors:
              - name: docker.io
                endpoint: ["https://mirror.example:5000"]
                rewrite:
                  "^rancher/(.*)": "mirror/rancher/$1"
            rke2_environment_options:
              - "HTTP_PROXY=http://proxy:3128"
            rke2_agent_options:
              - "node-ip: 192.168.123.50"
            rke2_ha_mode_keepalived: true
            rke2_kubevip_image: "ghcr.io/kube-vip/kube-vip:v0.9.2"
            rke2_bind_address: "{{ hostvars[inventory_hostname]['ansible_eth0']['ipv4']['address'] }}"
            """);
        _workspace.Write("inventory/host_vars/worker-03.yml", "k8s_node_label: [gpu=true]\n");

        var imported = AnsibleImport.Generate(inventory, null, Path.Join(_workspace.Root, "site.csx"));

        Assert.Equal(AnsibleRole.Lablabs, imported.Role);
        Assert.DoesNotContain("defaultSecret12345", imported.Playbook);
        Assert.Contains("""Secret.FromEnv("RKE2_TOKEN")""", imported.Playbook);
        Assert.Contains("""Config["tls-san"] = new[] { "k8s.example.com" };""", imported.Playbook);
        Assert.Contains("""Role(NodeRole.Server).Config["node-taint"] = new[] { "CriticalAddonsOnly=true:NoExecute" };""", imported.Playbook);
        Assert.Contains("""Role(NodeRole.Agent).Config["node-ip"] = "192.168.123.50";""", imported.Playbook);
        Assert.Contains("""Node("worker-03").Config["node-label"] = new[] { "gpu=true" };""", imported.Playbook);
        Assert.Contains("""Registries().Mirror("docker.io", new[] { "https://mirror.example:5000" }, rewrite: new Dictionary<string, string> { ["^rancher/(.*)"] = "mirror/rancher/$1" });""", imported.Playbook);
        Assert.Contains("""EnvFile().Set("HTTP_PROXY", "http://proxy:3128");""", imported.Playbook);
        Assert.Contains("// TODO rke2_ha_mode_keepalived: ", imported.Playbook);
        Assert.Contains("// TODO rke2_bind_address: its value is a Jinja2 template", imported.Playbook);
        Assert.DoesNotContain("hostvars[", imported.Playbook);
        Assert.Equal(["rke2_bind_address", "rke2_ha_mode_keepalived", "rke2_kubevip_image"], imported.Todos);

        var model = await ValidatesAsync(imported.Playbook);

        Assert.Equal(["master-01", "master-02", "master-03"], model.JoinOrder);
        Assert.Equal(3, model.Nodes.Count(node => node.Role == NodeRole.Agent));
        Assert.Equal("192.168.123.13", model.Nodes.Single(node => node.Name == "worker-03").Address);
        Assert.Equal("v1.32.5+rke2r1", model.VersionText);
        Assert.Equal("https://192.168.123.100:9345", model.RegistrationAddress);
        Assert.Equal("10.42.0.0/16", model.Config["cluster-cidr"]);
    }

    [Fact]
    public async Task The_rancherfederal_sample_inventories_become_playbooks_that_validate()
    {
        // docs/advanced_sample_inventory of rancherfederal/rke2-ansible, with a token set where its docs put config.
        var inventory = _workspace.Write("advanced/hosts.yml", """
            ---
            rke2_cluster:
              children:
                rke2_servers:
                  hosts:
                    server0.example.com:
                      host_rke2_config:
                        node-label:
                          - role=first
                rke2_agents:
                  hosts:
                    agent0.example.com:
                      node_labels:
                        - pool=a
            """);
        _workspace.Write("advanced/group_vars/all.yml", """
            ---
            rke2_install_version: v1.29.12+rke2r1
            cluster_rke2_config:
              selinux: true
              token: not-in-the-playbook
            """);
        _workspace.Write("advanced/group_vars/rke2_servers.yml", """
            ---
            rke2_audit_policy_config_file_path: "{{ playbook_dir }}/docs/advanced_sample_inventory/files/audit-policy.yaml"
            group_rke2_config:
              cni:
                - cilium
              disable-kube-proxy: true
              profile: cis
              audit-policy-file: /etc/rancher/rke2/audit-policy.yaml
              kube-apiserver-arg:
                - audit-policy-file=/etc/rancher/rke2/audit-policy.yaml
            """);

        var imported = AnsibleImport.Generate(inventory, null, Path.Join(_workspace.Root, "site.csx"));

        Assert.Equal(AnsibleRole.RancherFederal, imported.Role);
        Assert.DoesNotContain("not-in-the-playbook", imported.Playbook);
        Assert.Contains("""Config["selinux"] = true;""", imported.Playbook);
        Assert.Contains("""Role(NodeRole.Server).Config["cni"] = new[] { "cilium" };""", imported.Playbook);
        Assert.Contains("""Node("server0").Config["node-label"] = new[] { "role=first" };""", imported.Playbook);
        Assert.Contains("""Node("agent0").Config["node-label"] = new[] { "pool=a" };""", imported.Playbook);
        Assert.Contains("// TODO cluster_rke2_config.token: rke2c writes the token itself", imported.Playbook);
        Assert.Contains("// TODO rke2_audit_policy_config_file_path: its value is a Jinja2 template", imported.Playbook);

        var model = await ValidatesAsync(imported.Playbook);

        Assert.Equal(["server0", "agent0"], model.Nodes.Select(node => node.Name));
        Assert.Equal("server0.example.com", model.Nodes[0].Address);
        Assert.Equal("v1.29.12+rke2r1", model.VersionText);
    }

    [Fact]
    public async Task The_rancherfederal_basic_sample_validates_with_the_version_left_to_check()
    {
        var inventory = _workspace.Write("basic/hosts.yml", """
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

        var imported = AnsibleImport.Generate(inventory, null, Path.Join(_workspace.Root, "site.csx"));

        Assert.Equal(["rke2_install_version"], imported.Todos);
        await ValidatesAsync(imported.Playbook);
    }

    [Fact]
    public void An_inventory_of_neither_role_asks_for_the_role()
    {
        var inventory = _workspace.Write("hosts.ini", "[web]\nw1\n");

        var error = Assert.Throws<PlaybookException>(() => AnsibleImport.Generate(inventory, null, Path.Join(_workspace.Root, "site.csx")));

        Assert.Contains("pass --role", error.Message);
    }

    [Fact]
    public async Task A_vars_directory_is_read_after_the_inventorys_own()
    {
        var inventory = _workspace.Write("inventory/hosts.ini", "[masters]\nm1 ansible_host=10.0.0.1\n[workers]\nw1 ansible_host=10.0.0.2\n");
        _workspace.Write("inventory/group_vars/all.yml", "rke2_version: v1.31.9+rke2r1\n");
        _workspace.Write("playbook/group_vars/all.yml", "rke2_version: v1.32.5+rke2r1\n");

        var imported = AnsibleImport.Generate(inventory, Path.Join(_workspace.Root, "playbook"), Path.Join(_workspace.Root, "site.csx"));

        Assert.Contains("""Inventory.FromAnsible("inventory/hosts.ini", varsDirectory: "playbook")""", imported.Playbook);
        var model = await ValidatesAsync(imported.Playbook);
        Assert.Equal("v1.32.5+rke2r1", model.VersionText);
    }
}

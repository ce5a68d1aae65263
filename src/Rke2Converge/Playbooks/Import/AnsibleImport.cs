using System.Text;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Playbooks.Inventories;

namespace Rke2Converge.Playbooks.Import;

/// <summary>A playbook written from an Ansible setup, the role it was read as, and the variables left as TODOs.</summary>
internal sealed record AnsibleImportResult(string Playbook, AnsibleRole Role, IReadOnlyList<string> Todos);

/// <summary>
/// <c>rke2c import ansible INVENTORY</c>: a site.csx that reads the same inventory on every run (hosts, groups and SSH
/// settings stay in it) and declares what the role's variables ask for: the version, the token as a secret
/// reference (never its value), config.yaml keys at the narrowest scope their values agree on (cluster, role, node),
/// registries, env files and files. Every variable it cannot map is a <c>// TODO</c> naming the variable, never its value.
/// </summary>
internal static class AnsibleImport
{
    private const string TokenVariable = "RKE2_TOKEN";

    /// <param name="inventoryPath">The inventory (INI or YAML).</param>
    /// <param name="varsDirectory">A directory with more group_vars/ and host_vars/ (a playbook directory's), or null.</param>
    /// <param name="playbookPath">Where the playbook will be written; the inventory is referenced relative to it.</param>
    /// <param name="role">The role the inventory was written for, or null to tell from its groups.</param>
    /// <exception cref="PlaybookException">The inventory cannot be read, or names no group the role uses.</exception>
    public static AnsibleImportResult Generate(string inventoryPath, string? varsDirectory, string playbookPath, AnsibleRole? role = null)
    {
        var context = new PlaybookContext(playbookPath, path => path);
        var inventoryFile = Path.GetFullPath(inventoryPath);
        var varsFull = varsDirectory is null ? null : Path.GetFullPath(varsDirectory);
        var inventory = PlaybookInventory.Load(context, inventoryFile, varsFull, at: null);
        var chosen = role ?? Detect(inventory);
        var (serversGroup, agentsGroup, clusterGroup) = Groups(inventory, chosen);
        var servers = inventory.Group(serversGroup).Hosts;
        var agents = inventory.HasGroup(agentsGroup) ? inventory.Group(agentsGroup).Hosts.Where(host => !host.InGroup(serversGroup)).ToList() : [];
        if (servers.Count == 0) throw new PlaybookException($"{inventory.Path}: group '{serversGroup}' has no hosts: rke2c needs at least one server", null);

        var shorten = servers.Concat(agents).Any(host => !Grammar.IsNodeName(host.Name));
        string NodeName(InventoryHost host) => shorten ? host.Name.Split('.')[0] : host.Name;
        var unmapped = new Dictionary<string, string>(StringComparer.Ordinal);
        var perHost = servers.Select(host => (Host: host, Server: true))
            .Concat(agents.Select(host => (Host: host, Server: false)))
            .Select(entry => (entry.Host, entry.Server, Settings: AnsibleVariableMap.Map(chosen, entry.Host, entry.Server, unmapped)))
            .ToList();

        var text = new StringBuilder();
        var relativeInventory = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(playbookPath))!, inventoryFile);
        var source = chosen == AnsibleRole.Lablabs ? "lablabs/ansible-role-rke2" : "rancherfederal/rke2-ansible";
        text.AppendLine($"// Written by `rke2c import ansible` from {relativeInventory}, an inventory for {source}.");
        text.AppendLine("// Hosts, groups and SSH settings are read from the inventory on every run: change them there.");
        text.AppendLine("// Each variable rke2c could not map is a TODO at the end, by name; values are never copied for those.");
        text.AppendLine();
        text.Append(ClusterLine(inventory, chosen, clusterGroup, servers, unmapped));
        text.AppendLine("KnownHosts(\"known_hosts\");                            // ssh-keyscan each host into it: host keys are always verified");
        text.AppendLine();
        var varsArgument = varsFull is null ? "" : $", varsDirectory: {CSharpText.String(Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(playbookPath))!, varsFull))}";
        text.AppendLine($"var inventory = Inventory.FromAnsible({CSharpText.String(relativeInventory)}{varsArgument});");
        var nameArgument = shorten ? ", name: host.Name.Split('.')[0]" : "";
        if (shorten) text.AppendLine("// Node names must be RFC 1123 labels: each node is named after the first label of its inventory name.");
        text.AppendLine($"foreach (var host in inventory.Group({CSharpText.String(serversGroup)}).Hosts) Server(host{nameArgument});");
        if (agents.Count > 0)
        {
            text.AppendLine($"foreach (var host in inventory.Group({CSharpText.String(agentsGroup)}).Hosts.Where(host => !host.InGroup({CSharpText.String(serversGroup)}))) Agent(host{nameArgument});");
        }
        var joinOrder = shorten ? $"[.. inventory.Group({CSharpText.String(serversGroup)}).Hosts.Select(host => host.Name.Split('.')[0])]" : $"inventory.Group({CSharpText.String(serversGroup)}).Names";
        text.AppendLine($"JoinOrder({joinOrder});                // the first server bootstraps; the others join one at a time");

        var statements = Scope(perHost.Select(entry => (NodeName(entry.Host), entry.Server, entry.Settings)).ToList());
        if (statements.Count > 0)
        {
            text.AppendLine();
            foreach (var statement in statements) text.AppendLine(statement);
        }
        var todos = unmapped.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"// TODO {pair.Key}: {pair.Value}").ToList();
        if (todos.Count > 0)
        {
            text.AppendLine();
            foreach (var todo in todos) text.AppendLine(todo);
        }
        return new AnsibleImportResult(text.ToString(), chosen, [.. unmapped.Keys.Order(StringComparer.Ordinal)]);
    }

    private static AnsibleRole Detect(Inventory inventory)
    {
        if (inventory.HasGroup("rke2_servers")) return AnsibleRole.RancherFederal;
        if (inventory.HasGroup("masters") || inventory.Hosts.Any(host => host.Text("rke2_servers_group_name") is not null)) return AnsibleRole.Lablabs;
        throw new PlaybookException(
            $"{inventory.Path}: neither a 'rke2_servers' group (rancherfederal/rke2-ansible) nor a 'masters' group or rke2_servers_group_name (lablabs/ansible-role-rke2): pass --role", null);
    }

    private static (string Servers, string Agents, string Cluster) Groups(Inventory inventory, AnsibleRole role)
    {
        if (role == AnsibleRole.RancherFederal) return ("rke2_servers", "rke2_agents", "rke2_cluster");
        string Named(string variable, string fallback) => inventory.Hosts.Select(host => host.Text(variable)).FirstOrDefault(name => name is not null) ?? fallback;
        return (Named("rke2_servers_group_name", "masters"), Named("rke2_agents_group_name", "workers"), Named("rke2_cluster_group_name", "k8s_cluster"));
    }

    private static string ClusterLine(Inventory inventory, AnsibleRole role, string clusterGroup, IReadOnlyList<InventoryHost> servers, Dictionary<string, string> unmapped)
    {
        var name = (inventory.HasGroup(clusterGroup) ? clusterGroup : "rke2").Replace('_', '-').ToLowerInvariant();
        var versionVariable = role == AnsibleRole.Lablabs ? "rke2_version" : "rke2_install_version";
        var versions = servers.Select(host => host.Text(versionVariable)).Where(version => !string.IsNullOrEmpty(version)).Distinct(StringComparer.Ordinal).ToList();
        string version;
        var note = "";
        if (versions.Count == 1 && !CSharpText.IsTemplated(versions[0]))
        {
            version = versions[0]!;
        }
        else
        {
            // lablabs documents v1.25.3+rke2r1 as its default; rancherfederal installs the stable channel's newest.
            version = role == AnsibleRole.Lablabs ? "v1.25.3+rke2r1" : "v1.33.1+rke2r1";
            var why = versions.Count > 1 ? "the hosts disagree" : versions.Count == 1 ? "it is a Jinja2 template" : "it is not set";
            unmapped.TryAdd(versionVariable, $"{why}; rke2c needs the release the cluster runs: set it in Cluster(...).Version above");
            note = $"  // TODO: check the version ({versionVariable})";
        }
        var registration = "";
        if (role == AnsibleRole.Lablabs && servers[0].Text("rke2_api_ip") is { Length: > 0 } apiIp)
        {
            // lablabs joins every node through https://rke2_api_ip:9345 (its default is the first master, as rke2c's is).
            if (CSharpText.IsTemplated(apiIp))
            {
                unmapped.TryAdd("rke2_api_ip", "its value is a Jinja2 template: if it names a load balancer or VIP, write Cluster(...).RegistrationAddress(\"https://HOST:9345\")");
            }
            else
            {
                var port = servers[0].Text("rke2_api_private_port") is { Length: > 0 } text && !CSharpText.IsTemplated(text) ? text : "9345";
                registration = $".RegistrationAddress({CSharpText.String($"https://{Model.UrlHost.Of(apiIp)}:{port}")})";
            }
        }
        var tokenSet = servers.Any(host => host.Vars.ContainsKey("rke2_token"));
        var tokenNote = tokenSet ? "rke2_token is set in the inventory: export its value as RKE2_TOKEN" : "export the cluster's token as RKE2_TOKEN";
        return $"Cluster({CSharpText.String(name)}).Version({CSharpText.String(version)}){registration}.Token(Secret.FromEnv(\"{TokenVariable}\"));{note}\n"
            + $"// The token: {tokenNote}; rke2c never writes a secret into a playbook.\n";
    }

    /// <summary>
    /// Each setting once, at the widest scope on which every host that asks for it asks the same: the cluster, a role
    /// (servers or agents), or the node.
    /// </summary>
    private static List<string> Scope(IReadOnlyList<(string Node, bool Server, List<ImportedSetting> Settings)> hosts)
    {
        var lines = new List<string>();
        var keys = hosts.SelectMany(host => host.Settings.Select(setting => setting.Key)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var key in keys)
        {
            var own = hosts.Where(host => host.Settings.LastOrDefault(setting => setting.Key == key) is { HostOwn: true }).ToList();
            foreach (var host in own)
            {
                lines.Add(host.Settings.Last(setting => setting.Key == key).Code.Replace("{scope}", $"Node({CSharpText.String(host.Node)}).", StringComparison.Ordinal));
            }
            var asking = hosts.Except(own).Select(host => (host.Node, host.Server, Code: host.Settings.LastOrDefault(setting => setting.Key == key)?.Code)).ToList();
            if (asking.All(host => host.Code is null)) continue;
            var codes = asking.Where(host => host.Code is not null).Select(host => host.Code!).Distinct(StringComparer.Ordinal).ToList();
            if (codes.Count == 1 && !codes[0].Contains("{scope}", StringComparison.Ordinal))
            {
                lines.Add(codes[0]);
                continue;
            }
            if (codes.Count == 1 && asking.All(host => host.Code is not null))
            {
                lines.Add(codes[0].Replace("{scope}", "", StringComparison.Ordinal));
                continue;
            }
            foreach (var (server, role) in new[] { (true, "Role(NodeRole.Server)."), (false, "Role(NodeRole.Agent).") })
            {
                var group = asking.Where(host => host.Server == server).ToList();
                var groupCodes = group.Select(host => host.Code).Distinct(StringComparer.Ordinal).ToList();
                if (group.Count > 0 && groupCodes is [{ } shared])
                {
                    lines.Add(shared.Replace("{scope}", role, StringComparison.Ordinal));
                    continue;
                }
                foreach (var host in group.Where(host => host.Code is not null))
                {
                    lines.Add(host.Code!.Replace("{scope}", $"Node({CSharpText.String(host.Node)}).", StringComparison.Ordinal));
                }
            }
        }
        return lines;
    }
}

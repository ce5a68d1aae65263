using Rke2Converge.Model.Validation;
using Rke2Converge.Playbooks.Inventories;

namespace Rke2Converge.Playbooks.Import;

/// <summary>
/// What each documented variable of an Ansible RKE2 role means in a playbook, per host: the statements it becomes,
/// or nothing when the variable only restates a default. Variables it does not know are left to the caller's TODOs.
/// Sources: lablabs/ansible-role-rke2 README ("Role Variables", a copy of defaults/main.yml); rancherfederal/rke2-ansible
/// docs/README.md ("Special Variables", "RKE2 Config Variables") and roles/rke2/tasks/configure_rke2.yml (file destinations).
/// </summary>
internal static class AnsibleVariableMap
{
    /// <summary>Variables that only steer the role itself, or that the import reads elsewhere (groups, version, token).</summary>
    public static readonly IReadOnlySet<string> Consumed = new HashSet<string>(StringComparer.Ordinal)
    {
        "rke2_servers_group_name", "rke2_agents_group_name", "rke2_cluster_group_name", "rke2_type",
        "rke2_version", "rke2_install_version", "rke2_token", "rke2_api_ip", "rke2_api_private_port", "rke2_ha_mode",
    };

    /// <summary>lablabs variables that are one config.yaml key each (values as the role writes them).</summary>
    private static readonly Dictionary<string, string> LablabsConfigKeys = new(StringComparer.Ordinal)
    {
        ["rke2_additional_sans"] = "tls-san",
        ["rke2_cluster_domain"] = "cluster-domain",
        ["rke2_disable"] = "disable",
        ["disable_kube_proxy"] = "disable-kube-proxy",
        ["rke2_disable_cloud_controller"] = "disable-cloud-controller",
        ["rke2_cni"] = "cni",
        ["rke2_cis_profile"] = "profile",
        ["rke2_kube_apiserver_args"] = "kube-apiserver-arg",
        ["rke2_kube_controller_manager_arg"] = "kube-controller-manager-arg",
        ["rke2_kube_scheduler_arg"] = "kube-scheduler-arg",
        ["rke2_kubelet_arg"] = "kubelet-arg",
        ["rke2_kube_proxy_arg"] = "kube-proxy-arg",
        ["k8s_node_label"] = "node-label",
        ["rke2_selinux"] = "selinux",
        ["rke2_debug"] = "debug",
        ["rke2_snapshotter"] = "snapshotter",
        ["rke2_snapshooter"] = "snapshotter",
    };

    /// <summary>Values that are the role's defaults and RKE2's, so writing them would only add noise.</summary>
    private static readonly Dictionary<string, string> LablabsDefaults = new(StringComparer.Ordinal)
    {
        ["disable_kube_proxy"] = "false",
        ["rke2_disable_cloud_controller"] = "false",
        ["rke2_selinux"] = "false",
        ["rke2_debug"] = "false",
        ["rke2_snapshotter"] = "overlayfs",
        ["rke2_snapshooter"] = "overlayfs",
        ["rke2_cni"] = "canal",
    };

    /// <summary>rancherfederal's files: the variable holding the local path, where the role puts it on servers.</summary>
    private static readonly Dictionary<string, string> RancherFederalServerFiles = new(StringComparer.Ordinal)
    {
        ["rke2_audit_policy_config_file_path"] = "/etc/rancher/rke2/audit-policy.yaml",
        ["rke2_pod_security_admission_config_file_path"] = "/etc/rancher/rke2/pod-security-admission-config.yaml",
    };

    /// <summary>
    /// The statements one host's variables become. <paramref name="unmapped"/> collects each variable that means
    /// something to the role but has no statement here (its name and why).
    /// </summary>
    public static List<ImportedSetting> Map(AnsibleRole role, InventoryHost host, bool isServer, Dictionary<string, string> unmapped)
    {
        var settings = new List<ImportedSetting>();
        foreach (var (name, value) in host.Vars)
        {
            if (name.StartsWith("ansible_", StringComparison.Ordinal) || Consumed.Contains(name) || CSharpText.IsEmpty(value)) continue;
            if (CSharpText.IsTemplated(value))
            {
                unmapped.TryAdd(name, "its value is a Jinja2 template, which only Ansible evaluates: write the value it stands for");
                continue;
            }
            var before = settings.Count;
            var mapped = role == AnsibleRole.Lablabs ? Lablabs(name, value, host, isServer, settings, unmapped) : RancherFederal(name, value, isServer, settings, unmapped);
            if (!mapped) unmapped.TryAdd(name, "rke2c has no equivalent it can write for it");
            if (host.OwnVariables.Contains(name))
            {
                for (var index = before; index < settings.Count; index++) settings[index] = settings[index] with { HostOwn = true };
            }
        }
        return settings;
    }

    private static bool Lablabs(string name, object? value, InventoryHost host, bool isServer, List<ImportedSetting> settings, Dictionary<string, string> unmapped)
    {
        if (LablabsDefaults.TryGetValue(name, out var standard) && Same(value, standard)) return true;
        if (name == "rke2_cloud_provider_name")
        {
            // Written by the role only when the built-in cloud controller is disabled.
            if (host.Text("rke2_disable_cloud_controller") is "true" or "True") return Config(settings, name, "cloud-provider-name", value, unmapped);
            return true;
        }
        if (LablabsConfigKeys.TryGetValue(name, out var key)) return Config(settings, name, key, value, unmapped);
        switch (name)
        {
            case "rke2_cluster_cidr" or "rke2_service_cidr" when value is IEnumerable<object?> cidrs && cidrs.All(cidr => cidr is string):
                return Config(settings, name, name == "rke2_cluster_cidr" ? "cluster-cidr" : "service-cidr", string.Join(',', cidrs.Cast<string>()), unmapped);
            case "rke2_server_node_taints":
                return !isServer || Config(settings, name, "node-taint", value, unmapped);
            case "rke2_agent_node_taints":
                return isServer || Config(settings, name, "node-taint", value, unmapped);
            case "rke2_server_options" or "rke2_agent_options":
                return (name == "rke2_server_options") != isServer || Options(settings, name, value, unmapped);
            case "rke2_environment_options" when value is IEnumerable<object?> lines:
                foreach (var line in lines)
                {
                    if (line is not string text) return false;
                    var equals = text.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0) return false;
                    settings.Add(new ImportedSetting($"env {text[..equals]}", $"{{scope}}EnvFile().Set({CSharpText.String(text[..equals])}, {CSharpText.String(text[(equals + 1)..])});", name));
                }
                return true;
            case "rke2_custom_registry_mirrors" when value is IEnumerable<object?> mirrors:
                return Mirrors(settings, name, mirrors);
            case "rke2_drain_node_during_upgrade":
                if (Same(value, "true"))
                {
                    settings.Add(new ImportedSetting("drain agents", "Upgrade.Drain(NodeRole.Agent);", name));
                    settings.Add(new ImportedSetting("drain servers", "Upgrade.Drain(NodeRole.Server);", name));
                }
                return true;
            default:
                return false;
        }
    }

    private static bool RancherFederal(string name, object? value, bool isServer, List<ImportedSetting> settings, Dictionary<string, string> unmapped)
    {
        switch (name)
        {
            case "cluster_rke2_config" or "group_rke2_config" or "host_rke2_config" when value is IReadOnlyDictionary<string, object?> config:
                foreach (var (key, entry) in config)
                {
                    if (key is "token" or "agent-token")
                    {
                        unmapped.TryAdd($"{name}.{key}", "rke2c writes the token itself: export it as RKE2_TOKEN (Cluster(...).Token above); never put it in the playbook");
                        continue;
                    }
                    Config(settings, $"{name}.{key}", key, entry, unmapped);
                }
                return true;
            case "node_labels":
                return Config(settings, name, "node-label", value, unmapped);
            case var file when RancherFederalServerFiles.TryGetValue(file, out var destination):
                if (!isServer) return true;
                if (value is not string local) return false;
                settings.Add(new ImportedSetting($"file {destination}",
                    $"{{scope}}File({CSharpText.String(destination)}, System.IO.File.ReadAllText({CSharpText.String(local)}), mode: \"0600\");", name));
                return true;
            default:
                return false;
        }
    }

    private static bool Config(List<ImportedSetting> settings, string variable, string key, object? value, Dictionary<string, string> unmapped)
    {
        if (CSharpText.IsTemplated(value))
        {
            unmapped.TryAdd(variable, "its value is a Jinja2 template, which only Ansible evaluates: write the value it stands for");
            return true;
        }
        if (ConfigRules.EngineOwnedAdvice(key) is { } advice)
        {
            unmapped.TryAdd(variable, $"sets {key}, which rke2c writes itself ({advice})");
            return true;
        }
        if (CSharpText.ConfigValue(value) is not { } literal)
        {
            unmapped.TryAdd(variable, $"its value for {key} is a map or nested list: write it as Config[{CSharpText.String(key)}] by hand");
            return true;
        }
        settings.Add(new ImportedSetting($"config {key}", $"{{scope}}Config[{CSharpText.String(key)}] = {literal};", variable));
        return true;
    }

    /// <summary>lablabs' <c>rke2_server_options</c>/<c>rke2_agent_options</c>: lines of <c>key: value</c> YAML.</summary>
    private static bool Options(List<ImportedSetting> settings, string variable, object? value, Dictionary<string, string> unmapped)
    {
        if (value is not IEnumerable<object?> lines) return false;
        foreach (var line in lines)
        {
            if (line is not string text || YamlValues.Load(text, variable, _ => new Model.SourceLocation(variable, 0)) is not YamlDotNet.RepresentationModel.YamlMappingNode entry
                || entry.Children.Count != 1)
            {
                unmapped.TryAdd(variable, "an entry is not one 'key: value' line");
                continue;
            }
            var (key, option) = entry.Children.Single();
            Config(settings, variable, YamlValues.Key(key), YamlValues.Value(option), unmapped);
        }
        return true;
    }

    /// <summary>lablabs' <c>rke2_custom_registry_mirrors</c>: <c>- name:</c>, <c>endpoint:</c> (URLs), <c>rewrite:</c>.</summary>
    private static bool Mirrors(List<ImportedSetting> settings, string variable, IEnumerable<object?> mirrors)
    {
        foreach (var mirror in mirrors)
        {
            if (mirror is not IReadOnlyDictionary<string, object?> fields || fields.GetValueOrDefault("name") is not string registry
                || fields.GetValueOrDefault("endpoint") is not IEnumerable<object?> endpoints || !endpoints.All(endpoint => endpoint is string))
            {
                return false;
            }
            var rewrite = "";
            if (fields.GetValueOrDefault("rewrite") is IReadOnlyDictionary<string, object?> rewrites && rewrites.Count > 0)
            {
                if (!rewrites.Values.All(target => target is string)) return false;
                rewrite = $", rewrite: new Dictionary<string, string> {{ {string.Join(", ", rewrites.Select(pair => $"[{CSharpText.String(pair.Key)}] = {CSharpText.String((string)pair.Value!)}"))} }}";
            }
            settings.Add(new ImportedSetting($"mirror {registry}",
                $"{{scope}}Registries().Mirror({CSharpText.String(registry)}, new[] {{ {string.Join(", ", endpoints.Cast<string>().Select(CSharpText.String))} }}{rewrite});", variable));
        }
        return true;
    }

    private static bool Same(object? value, string text) => value is string actual && string.Equals(actual, text, StringComparison.OrdinalIgnoreCase)
        || value is IEnumerable<object?> list && list.Count() == 1 && list.Single() is string only && only == text;
}

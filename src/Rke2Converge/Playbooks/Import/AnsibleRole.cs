namespace Rke2Converge.Playbooks.Import;

/// <summary>The Ansible roles for RKE2 whose inventories <c>rke2c import ansible</c> reads.</summary>
internal enum AnsibleRole
{
    /// <summary>lablabs/ansible-role-rke2: groups <c>masters</c> and <c>workers</c> (renamable), <c>rke2_*</c> variables.</summary>
    Lablabs,

    /// <summary>rancherfederal/rke2-ansible: groups <c>rke2_servers</c> and <c>rke2_agents</c>, <c>*_rke2_config</c> maps.</summary>
    RancherFederal,
}

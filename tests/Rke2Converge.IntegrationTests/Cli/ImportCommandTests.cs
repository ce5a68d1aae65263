using Rke2Converge.IntegrationTests.Converge;

namespace Rke2Converge.IntegrationTests.Cli;

/// <summary><c>rke2c import ansible</c>, run as a user coming from Ansible would: import, validate, no overwrite. No lab.</summary>
public sealed class ImportCommandTests
{
    [Fact]
    public async Task Import_writes_a_playbook_that_validates_and_never_overwrites_one()
    {
        var rke2c = new Rke2cDriver("import");
        Directory.CreateDirectory(Path.Combine(rke2c.WorkDirectory, "inventory", "group_vars"));
        File.WriteAllText(Path.Combine(rke2c.WorkDirectory, "inventory", "hosts.ini"), """
            [masters]
            master-01 ansible_host=192.168.123.1
            [workers]
            worker-01 ansible_host=192.168.123.11
            [k8s_cluster:children]
            masters
            workers
            """);
        File.WriteAllText(Path.Combine(rke2c.WorkDirectory, "inventory", "group_vars", "all.yml"), "rke2_version: v1.32.5+rke2r1\nrke2_token: s3cret-token\nrke2_ha_mode_kubevip: true\n");

        var imported = await rke2c.RunAsync("import", "ansible", "inventory/hosts.ini");
        var validate = await rke2c.RunAsync("validate", "site.csx");
        var again = await rke2c.RunAsync("import", "ansible", "inventory/hosts.ini");

        Assert.True(imported.Exit == 0, imported.ToString());
        Assert.Contains("wrote site.csx (lablabs/ansible-role-rke2 variables; 1 TODO)", imported.Stdout, StringComparison.Ordinal);
        Assert.Contains("TODO rke2_ha_mode_kubevip", imported.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-token", imported.Stdout + imported.Stderr + File.ReadAllText(Path.Combine(rke2c.WorkDirectory, "site.csx")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(rke2c.WorkDirectory, "known_hosts")));
        Assert.True(validate.Exit == 0, validate.ToString());
        Assert.Contains("site.csx: cluster k8s-cluster, 2 node(s), valid", validate.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, again.Exit);
        Assert.Contains("site.csx exists; pass --force", again.Stderr, StringComparison.Ordinal);
    }
}

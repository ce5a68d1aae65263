using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.LocalFiles;
using Rke2Converge.Playbooks;
using Rke2Converge.Playbooks.Import;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// <c>rke2c import ansible INVENTORY</c>: a site.csx from an inventory written for lablabs/ansible-role-rke2 or
/// rancherfederal/rke2-ansible. Never overwrites a file without <c>--force</c>.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var inventory = new Argument<FileInfo>("inventory") { Description = "The Ansible inventory (INI, or YAML ending in .yml/.yaml)" };
        var vars = new Option<DirectoryInfo?>("--vars") { Description = "A directory whose group_vars/ and host_vars/ are read after the inventory's (your playbook's directory)" };
        var role = new Option<string?>("--role") { Description = "The role the inventory was written for (default: told from its groups)" };
        role.AcceptOnlyFromAmong("lablabs", "rancherfederal");
        var output = new Option<string>("--out") { Description = "Where to write the playbook ('-': standard output)", DefaultValueFactory = _ => "site.csx" };
        var force = new Option<bool>("--force") { Description = "Overwrite the playbook if it exists" };
        var ansible = new Command("ansible", "Write a playbook from an Ansible inventory of lablabs/ansible-role-rke2 or rancherfederal/rke2-ansible: hosts and groups are read from it on every run, the role's variables become playbook calls, the rest TODO comments by name (secrets become references, never values)");
        ansible.Arguments.Add(inventory);
        ansible.Options.Add(vars);
        ansible.Options.Add(role);
        ansible.Options.Add(output);
        ansible.Options.Add(force);
        ansible.SetAction(result =>
        {
            var target = result.GetRequiredValue(output);
            var toStdout = target == "-";
            var playbookPath = toStdout ? Path.Combine(Environment.CurrentDirectory, "site.csx") : Path.GetFullPath(target);
            if (!toStdout && File.Exists(playbookPath) && !result.GetValue(force))
            {
                Console.Error.WriteLine($"error: {target} exists; pass --force to overwrite it, or --out another file");
                return ExitCodes.Error;
            }
            AnsibleImportResult imported;
            try
            {
                var chosen = result.GetValue(role) switch { "lablabs" => AnsibleRole.Lablabs, "rancherfederal" => AnsibleRole.RancherFederal, _ => (AnsibleRole?)null };
                imported = AnsibleImport.Generate(result.GetRequiredValue(inventory).FullName, result.GetValue(vars)?.FullName, playbookPath, chosen);
            }
            catch (PlaybookException error)
            {
                Console.Error.WriteLine(error.At is null ? $"error: {error.Message}" : $"{error.At}: error: {error.Message}");
                return ExitCodes.Error;
            }
            if (toStdout)
            {
                Console.Out.Write(imported.Playbook);
                return ExitCodes.Success;
            }
            try
            {
                var backup = AtomicFile.BackUp(playbookPath);
                AtomicFile.WriteText(playbookPath, imported.Playbook);
                if (backup is not null) Console.Out.WriteLine($"kept the previous {target} as {backup}");
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {target}: {error.Message}");
                return ExitCodes.Error;
            }
            var knownHosts = Path.Combine(Path.GetDirectoryName(playbookPath)!, "known_hosts");
            if (!File.Exists(knownHosts))
            {
                File.WriteAllText(knownHosts, "");
                Console.Out.WriteLine($"created {knownHosts} (empty: ssh-keyscan your hosts into it)");
            }
            Console.Out.WriteLine($"wrote {target} ({imported.Role switch { AnsibleRole.Lablabs => "lablabs/ansible-role-rke2", _ => "rancherfederal/rke2-ansible" }} variables; {imported.Todos.Count} TODO{(imported.Todos.Count == 1 ? "" : "s")})");
            foreach (var todo in imported.Todos) Console.Out.WriteLine($"  TODO {todo}");
            Console.Out.WriteLine($"Next: fill known_hosts (ssh-keyscan), then rke2c validate {target}");
            return ExitCodes.Success;
        });
        var command = new Command("import", "Write a playbook from another tool's setup");
        command.Subcommands.Add(ansible);
        return command;
    }
}

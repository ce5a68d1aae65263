using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// Ansible's <c>group_vars/</c> and <c>host_vars/</c> beside an inventory: for a name, the file <c>NAME</c>,
/// <c>NAME.yml</c>, <c>NAME.yaml</c> or <c>NAME.json</c>, or every such file in the directory <c>NAME/</c> (in name order,
/// a later file's key winning). Several directories are read in order, a later one winning (Ansible reads the
/// inventory's, then the playbook's).
/// </summary>
internal sealed class AnsibleVarsFiles(IReadOnlyList<string> directories, Func<string, int, SourceLocation> at)
{
    private static readonly string[] Extensions = ["", ".yml", ".yaml", ".json"];

    public Dictionary<string, object?> Group(string name) => Read("group_vars", name);

    public Dictionary<string, object?> Host(string name) => Read("host_vars", name);

    private Dictionary<string, object?> Read(string kind, string name)
    {
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var directory in directories) ReadInto(vars, Path.Combine(directory, kind), kind, name);
        return vars;
    }

    private void ReadInto(Dictionary<string, object?> vars, string folder, string kind, string name)
    {
        if (!System.IO.Directory.Exists(folder)) return;
        var files = new List<string>();
        foreach (var extension in Extensions)
        {
            var file = Path.Combine(folder, name + extension);
            if (File.Exists(file)) files.Add(file);
        }
        var nested = Path.Combine(folder, name);
        if (System.IO.Directory.Exists(nested))
        {
            files.AddRange(System.IO.Directory.EnumerateFiles(nested)
                .Where(file => Extensions.Contains(Path.GetExtension(file), StringComparer.Ordinal) && !Path.GetFileName(file).StartsWith('.'))
                .Order(StringComparer.Ordinal));
        }
        foreach (var file in files)
        {
            var root = YamlValues.Load(File.ReadAllText(file), file, line => at(file, line));
            foreach (var (key, value) in YamlValues.Vars(root, $"{kind}/{name}", line => at(file, line))) vars[key] = value;
        }
    }
}

using System.Runtime.CompilerServices;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks.Inventories;

/// <summary>
/// <c>Inventory</c> in a playbook: reads the hosts from a file you already have. Relative paths resolve against the
/// playbook's directory; an error in the file names the file and line.
/// </summary>
public sealed class PlaybookInventory
{
    private readonly PlaybookContext _context;

    internal PlaybookInventory(PlaybookContext context) => _context = context;

    /// <summary>
    /// An Ansible inventory, INI (<c>hosts.ini</c>, <c>hosts</c>) or YAML (<c>.yml</c>, <c>.yaml</c>): groups,
    /// <c>children</c>, host and group variables, host ranges, and the <c>group_vars/</c> and <c>host_vars/</c>
    /// directories beside it, then those in <paramref name="varsDirectory"/> (winning, as a playbook directory's do). <c>ansible_host</c>, <c>ansible_user</c>,
    /// <c>ansible_port</c> and <c>ansible_ssh_private_key_file</c> become the node's address and SSH settings when it
    /// is declared with <c>Server(host)</c>, <c>Agent(host)</c>, ...
    /// </summary>
    /// <example>
    /// <code>
    /// var inventory = Inventory.FromAnsible("inventory/hosts.yml", varsDirectory: "inventory");
    /// foreach (var host in inventory.Group("rke2_servers").Hosts) Server(host);
    /// foreach (var host in inventory.Group("rke2_agents").Hosts) Agent(host);
    /// </code>
    /// </example>
    public Inventory FromAnsible(string path, string? varsDirectory = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        var full = _context.ResolvePath(path, at);
        return Load(_context, full, varsDirectory is null ? null : _context.ResolvePath(varsDirectory, at), at);
    }

    /// <summary>An Ansible inventory at <paramref name="full"/> (an absolute path), with an extra vars directory; <paramref name="at"/> is where it was asked for.</summary>
    internal static Inventory Load(PlaybookContext context, string full, string? varsDirectory, SourceLocation? at)
    {
        if (!File.Exists(full)) throw new PlaybookException($"cannot read the inventory {full}: no such file", at);
        var text = Read(full, context.At(full, 0));
        var yaml = Path.GetExtension(full) is ".yml" or ".yaml" or ".json";
        Func<int, SourceLocation> lineIn = number => context.At(full, number);
        var source = yaml ? AnsibleYamlParser.Parse(text, full, lineIn) : AnsibleIniParser.Parse(text, full, lineIn);
        string[] directories = varsDirectory is null ? [Path.GetDirectoryName(full)!] : [Path.GetDirectoryName(full)!, varsDirectory];
        return InventoryResolver.Resolve(source, context.At(full, 0).File, new AnsibleVarsFiles(directories, context.At), context.At);
    }

    /// <summary>A YAML list of hosts: <c>- name: s1</c>, <c>address</c>, <c>role</c> (or <c>group</c>), <c>user</c>, <c>port</c>, <c>key</c>, and any variables.</summary>
    /// <example>
    /// <code>
    /// foreach (var host in Inventory.FromYaml("hosts.yml").Group("agent").Hosts) Agent(host);
    /// </code>
    /// </example>
    public Inventory FromYaml(string path, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        FromList(path, HostListParser.ParseYaml, file, line);

    /// <summary>A CSV list of hosts whose first line names the columns: <c>name,address,role,user,port,key</c> (only <c>name</c> is required; other columns become variables).</summary>
    /// <example>
    /// <code>
    /// foreach (var host in Inventory.FromCsv("hosts.csv").Group("server").Hosts) Server(host);
    /// </code>
    /// </example>
    public Inventory FromCsv(string path, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        FromList(path, HostListParser.ParseCsv, file, line);

    private Inventory FromList(string path, Func<string, string, Func<int, SourceLocation>, InventorySource> parse, string file, int line)
    {
        var at = _context.At(file, line);
        var full = _context.ResolvePath(path, at);
        var source = parse(Read(full, at), full, LineIn(full));
        return InventoryResolver.Resolve(source, _context.At(full, 0).File, new AnsibleVarsFiles([], _context.At), _context.At);
    }

    private Func<int, SourceLocation> LineIn(string full) => number => _context.At(full, number);

    private static string Read(string full, SourceLocation at)
    {
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new PlaybookException($"cannot read the inventory {full}: {error.Message}", at);
        }
    }
}

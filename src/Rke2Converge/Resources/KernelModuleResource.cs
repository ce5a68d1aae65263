using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Resources;

/// <summary>Whether the module is loaded now, and what its modules-load.d file holds.</summary>
public sealed record KernelModuleState(bool Loaded, FileState File);

/// <summary>
/// <c>KernelModule(name)</c>: loaded now (<c>modprobe</c>) and at every boot (<c>/etc/modules-load.d/rke2c-NAME.conf</c>,
/// read by systemd-modules-load). A loaded module shows in <c>/sys/module/NAME</c>. RKE2 needs no restart for it:
/// it is loaded before the service starts.
/// </summary>
public sealed class KernelModuleResource(string name) : Resource<KernelModuleState>
{
    internal const string Directory = "/etc/modules-load.d";

    internal string Name { get; } = name;

    internal string FilePath => $"{Directory}/rke2c-{Name}.conf";

    internal override string Key => $"kernel-module {Name}";

    internal override string Kind => "kernel-module";

    internal override IEnumerable<string> PathsOn(NodeSpec node) => [FilePath];

    internal override IEnumerable<string> Validate() => ResourcePaths.CheckName(Name, Key);

    internal override string FactFragment(NodeSpec node) =>
        $"if [ -d /sys/module/{ShellQuote.Quote(Name)} ]; then rec loaded 1; else rec loaded 0; fi\n" + DesiredFile.Probe(FilePath, sendContent: true);

    private protected override KernelModuleState Parse(ResourceRecords records)
    {
        var loaded = records.Next("loaded");
        var state = records.Field(loaded, 1) switch
        {
            "1" => true,
            "0" => false,
            var other => throw records.Error($"loaded flag '{other}' is neither 0 nor 1"),
        };
        return new KernelModuleState(state, FileState.Read(records));
    }

    private protected override ResourceChange? Diff(KernelModuleState actual, ResourceContext context)
    {
        if (actual.File.LinkProblem(Key, FilePath, context.Node.Name) is { } problem)
        {
            context.Problem(problem);
            return null;
        }
        var file = new DesiredFile(FilePath, $"# Loaded at boot for RKE2; managed by rke2c.\n{Name}\n", "0644") { BackupsKept = context.Node.BackupsKept }.Compare(actual.File);
        if (actual.Loaded && file is null) return null;
        var steps = new List<RemoteCommand>();
        var description = new List<string>();
        if (file is { } persist)
        {
            steps.AddRange(persist.Steps);
            description.Add($"{FilePath} {persist.Description}");
        }
        if (!actual.Loaded)
        {
            steps.Add(Load(Name));
            description.Add("load (modprobe)");
        }
        return new ResourceChange(Kind, Key, string.Join(", ", description), [], ServiceEffect.None) { Steps = steps };
    }

    internal static RemoteCommand Load(string module) =>
        new($"modprobe {module}", "modprobe -- \"$1\"") { Arguments = [module], Timeout = TimeSpan.FromSeconds(60) };
}

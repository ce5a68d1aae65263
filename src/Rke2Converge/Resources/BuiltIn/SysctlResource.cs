using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// Kernel parameters, live (/proc/sys) and persisted (rke2c's file in /etc/sysctl.d). They go first, so the kubelet
/// finds them right when RKE2 starts. Keys travel as script arguments, never in the script text.
/// </summary>
internal sealed class SysctlResource : BuiltInResource
{
    public override string Title => "sysctls";

    public override bool BeforeDeclaredResources => true;

    public override IEnumerable<ReservedPath> Writes => [new(Rke2Paths.ManagedSysctlFile, Tree: false, "the sysctl file rke2c writes from Sysctl(...)")];

    // One process per key (cat: /proc/sys answers a whole read, not the byte-wise reads of the shell's `read`). Keys
    // are validated (no spaces or control characters), so they print as they are; dots become slashes in a builtin
    // loop. The value's spacing does not matter (it is normalised when read); a value of several lines is joined.
    internal override string FactFragment => $$"""
        nl=$(printf '\n_'); nl=${nl%_}
        for key in "$@"; do
          case "$key" in ''|/*|*..*) printf 'sysctl %s missing\n' "$key"; continue ;; esac
          path=/proc/sys/
          case "$key" in
            */*) path="$path$key" ;;
            *) rest=$key
               while :; do case "$rest" in *.*) path="$path${rest%%.*}/"; rest=${rest#*.} ;; *) path="$path$rest"; break ;; esac; done ;;
          esac
          if [ -f "$path" ] && value=$(cat "$path" 2>/dev/null); then
            case "$value" in *"$nl"*) value=$(printf '%s' "$value" | tr '\n' ' ') ;; esac
            printf 'sysctl %s value %s\n' "$key" "$value"
          else
            printf 'sysctl %s missing\n' "$key"
          fi
        done
        managed_record managed-sysctl {{ShellQuote.Quote(Rke2Paths.ManagedSysctlFile)}}

        """;

    public override IReadOnlyList<FactTag> Records { get; } = [new("sysctl", FactOccurrence.Many), new("managed-sysctl")];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records)
    {
        var sysctls = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? file = null;
        foreach (var record in records)
        {
            if (record.Tag == "managed-sysctl")
            {
                file = record.Optional();
                continue;
            }
            var key = record.Raw(1);
            sysctls[key] = (record.Raw(2), record.Count) switch
            {
                ("value", >= 2) => FactParser.NormalizeSysctlValue(record.Rest(3)),
                ("missing", 2) => null,
                _ => throw record.Error($"malformed sysctl record for '{FactRecord.Short(key)}'"),
            };
        }
        return facts with { Sysctls = sysctls, ManagedSysctlFile = file };
    }

    public override IEnumerable<string> Lacking(IReadOnlyList<FactRecord> records, ExpectedFacts request)
    {
        var reported = records.Where(record => record.Tag == "sysctl").Select(record => record.Raw(1)).ToHashSet(StringComparer.Ordinal);
        return request.Sysctls.Where(key => !reported.Contains(key)).Select(key => $"sysctl {key}");
    }

    internal override IEnumerable<Change> Diff(BuiltInPlanContext context)
    {
        var (node, facts) = (context.Node, context.Facts);
        // A key the kernel does not have fails `sysctl -w` after the file is written: refuse before anything is.
        var absent = node.Sysctls.Keys.Where(key => facts.Sysctls.TryGetValue(key, out var found) && found is null).ToList();
        foreach (var key in absent)
        {
            context.Problem($"sysctl {key} does not exist on this host (no {SysctlProcPath(key)}): load the kernel module that provides it, or drop it from the playbook");
        }
        if (absent.Count > 0) yield break;
        foreach (var (key, want) in node.Sysctls)
        {
            var have = facts.Sysctls.TryGetValue(key, out var value) ? value : null;
            if (have != FactParser.NormalizeSysctlValue(want)) yield return new SysctlChange(key, have, want, node.SysctlsRequiredByKubelet.Contains(key));
        }
        var file = context.Planner.RenderSysctlFile(node);
        if (facts.ManagedSysctlFile != file) yield return new SysctlFileChange(Rke2Paths.ManagedSysctlFile, facts.ManagedSysctlFile, file);
    }

    /// <summary>Where the kernel shows <paramref name="key"/>, as the fact fragment looks: dots are slashes unless the key has slashes.</summary>
    private static string SysctlProcPath(string key) => "/proc/sys/" + (key.Contains('/', StringComparison.Ordinal) ? key : key.Replace('.', '/'));

    public override IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<SysctlFileChange>() is { } file)
        {
            yield return RolloutStep.Run(Title, StepKind.WriteFile, FileOperations.WriteAtomically(file.Path, file.After, "0644", backupsKept: context.Host.Desired.BackupsKept), file.Path, PlannedStep.Hash(file.After));
        }
        var runtime = context.Host.Changes.OfType<SysctlChange>().Select(change => (change.Key, change.After)).ToList();
        if (runtime.Count > 0)
        {
            yield return RolloutStep.Run(Title, StepKind.Sysctl, SysctlOperations.SetRuntime(runtime), string.Join(" ", runtime.Select(pair => $"{pair.Key}={pair.After}")));
        }
    }
}

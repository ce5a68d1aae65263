using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Resources;

/// <summary>Whether the command's guard says its work is already done.</summary>
public sealed record CommandState(bool Done);

/// <summary>
/// <c>Command(cmd, name).Unless(check)</c> or <c>.Creates(path)</c>: for the rare thing no other resource fits. The guard
/// runs with the facts (so it must only read): the command runs when <c>check</c> exits non-zero, or when
/// <c>path</c> does not exist. A command without a guard is refused, since it would run on every apply.
/// </summary>
public sealed class CommandResource(string name, string command) : Resource<CommandState>
{
    /// <summary>How long a guard may take inside the fact script.</summary>
    internal static readonly TimeSpan GuardTimeout = TimeSpan.FromSeconds(10);

    internal string Name { get; } = name;

    internal string Command { get; } = command;

    internal string? UnlessCheck { get; private set; }

    internal string? CreatesPath { get; private set; }

    internal TimeSpan Timeout { get; private set; } = TimeSpan.FromMinutes(5);

    internal bool RestartsService { get; private set; }

    internal override string Key => $"command {Name}";

    internal override string Kind => "command";

    /// <summary>Skip the command when this read-only check exits 0.</summary>
    /// <example>
    /// <code>
    /// Command("modprobe ip_vs").Unless("lsmod | grep -q ^ip_vs");
    /// </code>
    /// </example>
    public CommandResource Unless(string check)
    {
        UnlessCheck = check;
        return this;
    }

    /// <summary>Skip the command when this path exists (the command creates it).</summary>
    /// <example>
    /// <code>
    /// Command("/opt/setup.sh").Creates("/opt/.setup-done");
    /// </code>
    /// </example>
    public CommandResource Creates(string path)
    {
        CreatesPath = path;
        return this;
    }

    /// <summary>
    /// How long the command may run on the node before apply gives up on it and reports the node failed (default
    /// 5 minutes; the guard is bounded separately, by 10 seconds).
    /// </summary>
    /// <example>
    /// <code>
    /// Command("/opt/long-setup.sh").Creates("/opt/.done").TimeoutAfter(TimeSpan.FromMinutes(20));
    /// </code>
    /// </example>
    public CommandResource TimeoutAfter(TimeSpan timeout)
    {
        Timeout = timeout;
        return this;
    }

    /// <summary>Restart RKE2 after the command ran.</summary>
    /// <example>
    /// <code>
    /// Command("/opt/patch-containerd.sh").Creates("/opt/.patched").Restarts();
    /// </code>
    /// </example>
    public CommandResource Restarts()
    {
        RestartsService = true;
        return this;
    }

    internal override IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Contains('\n', StringComparison.Ordinal)) yield return $"{Key}: name must be one non-empty line";
        if (string.IsNullOrWhiteSpace(Command)) yield return $"{Key}: command is empty";
        if (UnlessCheck is null && CreatesPath is null) yield return $"{Key}: needs .Unless(check) or .Creates(path), else it would run on every apply";
        if (UnlessCheck is not null && string.IsNullOrWhiteSpace(UnlessCheck)) yield return $"{Key}: Unless check is empty";
        if (CreatesPath is not null) foreach (var problem in ResourcePaths.Check(CreatesPath, $"{Key} Creates")) yield return problem;
        if (Timeout <= TimeSpan.Zero) yield return $"{Key}: timeout must be positive";
    }

    internal override string FactFragment(NodeSpec node)
    {
        var checks = new List<string>();
        if (CreatesPath is not null) checks.Add($"[ -e {ShellQuote.Quote(CreatesPath)} ]");
        if (UnlessCheck is not null) checks.Add($"timeout {(int)GuardTimeout.TotalSeconds} sh -c {ShellQuote.Quote(UnlessCheck)} </dev/null >/dev/null 2>&1");
        return $"if {string.Join(" || ", checks)}; then rec done 1; else rec done 0; fi";
    }

    private protected override CommandState Parse(ResourceRecords records)
    {
        var record = records.Next("done");
        return new CommandState(records.Field(record, 1) == "1");
    }

    private protected override ResourceChange? Diff(CommandState actual, ResourceContext context)
    {
        if (actual.Done) return null;
        var why = CreatesPath is not null && UnlessCheck is null ? $"{CreatesPath} does not exist" : "its check fails";
        var run = new RemoteCommand($"run command {Name}", "sh -c \"$1\"") { Arguments = [Command], Timeout = Timeout };
        return new ResourceChange(Kind, Key, $"run ({why})", [$"$ {Command}"], RestartsService ? ServiceEffect.Restart : ServiceEffect.None) { Steps = [run] };
    }
}

using System.CommandLine;
using Rke2Converge.Cli.Output;
using Rke2Converge.Model;

namespace Rke2Converge.Cli.Commands;

/// <summary>
/// Arguments and options shared by the commands that read a playbook. Options about reaching hosts are added only to
/// the commands that contact hosts, so each command's help lists what it uses.
/// </summary>
internal sealed class CommonOptions(bool contactsHosts = true)
{
    public Argument<FileInfo> Playbook { get; } = new("playbook") { Description = "The .csx playbook declaring the cluster" };

    public Option<string> Output { get; } = LowerCaseChoice("--output", "text (default) or json: only JSON on stdout", "text", "json", "-o");

    public Option<bool> NoColor { get; } = new("--no-color")
    {
        Description = "Plain text: no colour, bold or cursor control (also when NO_COLOR is set or output is not a terminal)",
    };

    public Option<FileInfo?> KnownHosts { get; } = new("--known-hosts") { Description = "known_hosts file to verify host keys against (overrides the playbook's)" };

    public Option<DirectoryInfo?> LogDirectory { get; } = new("--log-dir") { Description = "Where the structured log of this run goes (default ~/.local/state/rke2c/logs)" };

    public Option<int?> KeepLogs { get; } = new("--keep-logs")
    {
        Description = "How many run logs to keep in the log directory, newest first (default 20, or $RKE2C_KEEP_LOGS)",
    };

    public Option<int> Parallel { get; } = new("--parallel") { Description = "How many hosts to read facts from at once", DefaultValueFactory = _ => 16 };

    public Option<string> Transport { get; } = LowerCaseChoice(
        "--transport",
        "openssh (default, unless the playbook says Ssh(transport: ...): the system ssh client, with your ssh_config, agent and ProxyJump) or sshnet (in-process SSH.NET: ssh_config and one ProxyJump hop, no agent)",
        "openssh", "sshnet");

    public Option<double?> EvalTimeout { get; } = new("--eval-timeout")
    {
        Description = "Seconds the playbook may take to run before it is stopped (default 30, or $RKE2C_EVAL_TIMEOUT); playbooks only declare",
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Show informational log lines on stderr" };

    public Option<bool> Timings { get; } = new("--timings") { Description = "Print where the run's time went on stderr: each stage and the slowest hosts' fact reads" };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Playbook);
        command.Options.Add(Output);
        command.Options.Add(NoColor);
        if (contactsHosts) command.Options.Add(KnownHosts);
        command.Options.Add(LogDirectory);
        command.Options.Add(KeepLogs);
        if (contactsHosts)
        {
            command.Options.Add(Parallel);
            command.Options.Add(Transport);
        }
        command.Options.Add(EvalTimeout);
        command.Options.Add(Verbose);
        command.Options.Add(Timings);
        EvalTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } seconds && (seconds <= 0 || seconds > int.MaxValue / 1000))
            {
                result.AddError("--eval-timeout must be a positive number of seconds");
            }
        });
        KeepLogs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--keep-logs must be at least 1");
        });
    }

    public RunOptions Read(ParseResult result) => new(
        result.GetRequiredValue(Playbook).FullName,
        result.GetRequiredValue(Playbook).ToString(),
        result.GetValue(Output) == "json" ? OutputFormat.Json : OutputFormat.Text,
        contactsHosts ? result.GetValue(KnownHosts)?.FullName : null,
        result.GetValue(LogDirectory)?.FullName,
        contactsHosts ? Math.Clamp(result.GetValue(Parallel), 1, 256) : 1,
        contactsHosts ? ExplicitTransport(result) : null,
        result.GetValue(Verbose))
    {
        EvalTimeout = result.GetValue(EvalTimeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        Timings = result.GetValue(Timings),
        NoColor = result.GetValue(NoColor),
        KeepLogs = result.GetValue(KeepLogs),
    };

    /// <summary>--transport as given on the command line; null when it was left out, so the playbook's choice applies.</summary>
    private SshTransport? ExplicitTransport(ParseResult result) =>
        result.GetResult(Transport) is { Implicit: false }
            ? result.GetValue(Transport) == "sshnet" ? SshTransport.SshNet : SshTransport.OpenSsh
            : null;

    /// <summary>An option taking one of a few lower-case words; help shows them and a bad value names them.</summary>
    private static Option<string> LowerCaseChoice(string name, string description, string defaultValue, string other, params string[] aliases)
    {
        var option = new Option<string>(name, aliases)
        {
            Description = description,
            HelpName = $"{defaultValue}|{other}",
            DefaultValueFactory = _ => defaultValue,
        };
        option.CompletionSources.Add(defaultValue, other);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value != defaultValue && value != other) result.AddError($"{name} must be {defaultValue} or {other}, not '{value}'");
        });
        return option;
    }
}

internal sealed record RunOptions(string PlaybookPath, string PlaybookAsGiven, OutputFormat Output, string? KnownHostsFile, string? LogDirectory, int Parallel, SshTransport? Transport, bool Verbose)
{
    /// <summary>--eval-timeout; null leaves the loader's default ($RKE2C_EVAL_TIMEOUT, else 30 s).</summary>
    public TimeSpan? EvalTimeout { get; init; }

    /// <summary>--timings: a summary of where the time went, on stderr at the end of the run.</summary>
    public bool Timings { get; init; }

    /// <summary>--no-color: plain text even on a terminal.</summary>
    public bool NoColor { get; init; }

    /// <summary>--keep-logs; null leaves the default ($RKE2C_KEEP_LOGS, else 20).</summary>
    public int? KeepLogs { get; init; }

    /// <summary><c>rke2c token rotate</c>: the playbook's token replaces the cluster's.</summary>
    public bool RotatesToken { get; init; }

    /// <summary><c>rke2c restart</c>, <c>rke2c certificate rotate</c>: every running node's service is restarted (servers' certificates rotated first), one node at a time behind the gates.</summary>
    public Plan.Desired.RequestedRestart RestartsNodes { get; init; }

    /// <summary>--limit: only these nodes may change; null, every node.</summary>
    public Plan.Limit.NodeLimit? Limit { get; init; }
}

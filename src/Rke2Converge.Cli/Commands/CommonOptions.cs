using System.CommandLine;
using Rke2Converge.Cli.Output;

namespace Rke2Converge.Cli.Commands;

/// <summary>Arguments and options shared by the commands that read a playbook.</summary>
public sealed class CommonOptions
{
    public Argument<FileInfo> Playbook { get; } = new("playbook") { Description = "The .csx playbook declaring the cluster" };

    public Option<OutputFormat> Output { get; } = new("--output", "-o") { Description = "text (default) or json", DefaultValueFactory = _ => OutputFormat.Text };

    public Option<FileInfo?> KnownHosts { get; } = new("--known-hosts") { Description = "known_hosts file to verify host keys against (overrides the playbook's)" };

    public Option<DirectoryInfo?> LogDirectory { get; } = new("--log-dir") { Description = "Where the structured log of this run goes (default ~/.local/state/rke2c/logs)" };

    public Option<int> Parallel { get; } = new("--parallel") { Description = "How many hosts to read facts from at once", DefaultValueFactory = _ => 16 };

    public Option<Transport> Transport { get; } = new("--transport")
    {
        Description = "openssh (default: the system ssh client, with your ssh_config, agent and ProxyJump) or sshnet (in-process SSH.NET)",
        DefaultValueFactory = _ => Commands.Transport.OpenSsh,
    };

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
        command.Options.Add(KnownHosts);
        command.Options.Add(LogDirectory);
        command.Options.Add(Parallel);
        command.Options.Add(Transport);
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
    }

    public RunOptions Read(ParseResult result) => new(
        result.GetRequiredValue(Playbook).FullName,
        result.GetRequiredValue(Playbook).ToString(),
        result.GetValue(Output),
        result.GetValue(KnownHosts)?.FullName,
        result.GetValue(LogDirectory)?.FullName,
        Math.Clamp(result.GetValue(Parallel), 1, 256),
        result.GetValue(Transport),
        result.GetValue(Verbose))
    {
        EvalTimeout = result.GetValue(EvalTimeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        Timings = result.GetValue(Timings),
    };
}

public sealed record RunOptions(string PlaybookPath, string PlaybookAsGiven, OutputFormat Output, string? KnownHostsFile, string? LogDirectory, int Parallel, Transport Transport, bool Verbose)
{
    /// <summary>--eval-timeout; null leaves the loader's default ($RKE2C_EVAL_TIMEOUT, else 30 s).</summary>
    public TimeSpan? EvalTimeout { get; init; }

    /// <summary>--timings: a summary of where the time went, on stderr at the end of the run.</summary>
    public bool Timings { get; init; }
}

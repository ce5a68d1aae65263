using System.CommandLine;
using Rke2Converge.Plan.Limit;

namespace Rke2Converge.Cli.Commands;

/// <summary><c>--limit</c>, one type for every command that changes nodes: which nodes may change; every other node is still read.</summary>
internal sealed class LimitOption(string? description = null)
{
    public const string Patterns = "node names, roles (server, etcd, control-plane, agent, servers, agents) or globs (worker-*), comma-separated, !PATTERN excludes";

    public Option<string?> Option { get; } = new("--limit", "-l")
    {
        Description = description ?? "Change only these nodes: " + Patterns + ". Every other node is still read for the safety checks and never changed; "
            + "a limit that would break the rollout order is refused",
        HelpName = "NODE|ROLE|GLOB",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Option);
        Option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is not { } text) return;
            try
            {
                NodeLimit.Parse(text);
            }
            catch (FormatException error)
            {
                result.AddError(error.Message);
            }
        });
    }

    public NodeLimit? Read(ParseResult result) => result.GetValue(Option) is { } text ? NodeLimit.Parse(text) : null;
}

namespace Rke2Converge.Cli.Output;

/// <summary>One node's end in a remove or reset run, as JSON reports it.</summary>
internal sealed record Day2NodeResult(string Node, string Outcome, string? Output, string? Error)
{
    public const string Removed = "removed";
    public const string WouldRemove = "would remove";
    public const string Uninstalled = "uninstalled";
    public const string WouldUninstall = "would uninstall";
    public const string Failed = "failed";
    public const string NotReached = "notreached";
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rke2Converge.Plan.Steps;

internal enum StepKind
{
    EtcdSnapshot,
    MarkPending,
    WriteFile,
    Sysctl,
    Command,
    DaemonReload,
    RemoveFile,
    Install,
    Service,
    Gate,
    ClearPending,
    DeferredGate,
    Cordon,
    Drain,
    Uncordon,
    DeleteNode,
    Uninstall,
}

/// <summary>
/// One thing apply does on a node, as the plan lists it: the kind, a line for people, what it acts on (a file path,
/// a unit, a gate), for a file it writes the SHA-256 of the content with secrets masked, and the SHA-256 of every
/// command it sends (<see cref="CommandsSha256"/>). Apply runs exactly the steps the plan lists, in this order.
/// </summary>
internal sealed record PlannedStep(StepKind Kind, string Description, string Target, string? Sha256 = null)
{
    /// <summary>
    /// The SHA-256 of the scripts, arguments and standard input of every command the step sends, secrets masked
    /// (<see cref="Rollout.StepBinding"/>): a saved plan refuses a step that would send anything else.
    /// </summary>
    public string? CommandsSha256 { get; init; }

    /// <summary>The kind as written in JSON and saved plans (kebab-case: <c>write-file</c>).</summary>
    [JsonIgnore]
    public string KindName => JsonNamingPolicy.KebabCaseLower.ConvertName(Kind.ToString());

    public override string ToString() => Sha256 is null ? Description : $"{Description} (sha256 {Sha256[..12]})";

    public static string Hash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}

using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Desired;

namespace Rke2Converge.Resources;

/// <summary>What a resource may consult while diffing: the node's desired state, its facts and the resolved secrets.</summary>
internal sealed class ResourceContext(NodeDesiredState node, HostFacts facts, Func<SecretSource, string> revealSecret)
{
    private readonly List<string> _problems = [];

    public NodeDesiredState Node { get; } = node;

    public HostFacts Facts { get; } = facts;

    /// <summary>Problems that block the rollout of this node (shown in the plan); the resource then returns no change.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public string Reveal(SecretSource secret) => revealSecret(secret);

    public void Problem(string message) => _problems.Add(message);

    /// <summary>The value as written to the node: secrets revealed, everything else in invariant culture.</summary>
    public string Text(object value) => value switch
    {
        SecretSource secret => revealSecret(secret),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

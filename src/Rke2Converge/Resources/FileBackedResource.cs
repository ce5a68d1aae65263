using Rke2Converge.Model;

namespace Rke2Converge.Resources;

/// <summary>A resource that is one file on the node: facts, diff and steps come from <see cref="DesiredFile"/>.</summary>
public abstract class FileBackedResource : Resource<FileState>
{
    /// <summary>Where the file lives on this node (it may depend on the role, like <c>/etc/default/rke2-agent</c>).</summary>
    internal abstract string PathFor(NodeSpec node);

    internal override IEnumerable<string> PathsOn(NodeSpec node) => [PathFor(node)];

    /// <summary>Whether the content holds secrets: then it never travels back in facts and diffs show only that it changed.</summary>
    internal abstract bool IsSensitive { get; }

    /// <summary>The file this node should have; content null means absent.</summary>
    private protected abstract DesiredFile Desired(ResourceContext context);

    private protected abstract ServiceEffect EffectOf(ResourceContext context);

    /// <summary>
    /// Whether the host sends the file's content back in facts: by default only when it holds no secret. A resource
    /// that diffs its file entry by entry with the secrets masked (<see cref="DesiredFile.ContentDiff"/>) reads it always;
    /// the secrets in it are registered with the run's redactor as the facts are parsed.
    /// </summary>
    private protected virtual bool ContentInFacts => !IsSensitive;

    internal override string FactFragment(NodeSpec node) => DesiredFile.Probe(PathFor(node), ContentInFacts);

    private protected override FileState Parse(ResourceRecords records) => FileState.Read(records);

    private protected override ResourceChange? Diff(FileState actual, ResourceContext context)
    {
        var desired = Desired(context) with { BackupsKept = context.Node.BackupsKept };
        if (actual.LinkProblem(Key, desired.Path, context.Node.Name, removing: desired.Content is null) is { } problem)
        {
            context.Problem(problem);
            return null;
        }
        if (desired.Content is null && actual.Kind == FileKind.Missing) return null;
        var comparison = desired.Compare(actual);
        if (comparison is not { } found) return null;
        return new ResourceChange(Kind, $"{Kind} {desired.Path}", found.Description, found.Lines, EffectOf(context)) { Steps = found.Steps };
    }
}

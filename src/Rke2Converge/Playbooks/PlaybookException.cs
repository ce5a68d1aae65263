using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>A declaration the playbook language cannot accept, with the line that made it.</summary>
internal sealed class PlaybookException(string message, SourceLocation? at) : Exception(message)
{
    public SourceLocation? At { get; } = at;
}

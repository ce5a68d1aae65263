namespace Rke2Converge.Model;

/// <summary>Where in the user's playbook something was declared, so errors can point at it.</summary>
internal sealed record SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

namespace Rke2Converge.Playbooks;

/// <summary>
/// The result type of a compiled playbook. Roslyn maps a script's result type from its runtime type, and
/// <c>object</c> lives in the runtime's core library, which a playbook does not compile against (it sees the
/// framework's reference assemblies); this type lives in the engine it does compile against. A playbook declares and
/// returns nothing, so none is ever made: end every statement with <c>;</c>.
/// </summary>
public sealed class PlaybookValue
{
    private PlaybookValue()
    {
    }
}

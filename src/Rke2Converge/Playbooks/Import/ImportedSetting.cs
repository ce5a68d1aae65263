namespace Rke2Converge.Playbooks.Import;

/// <summary>
/// One playbook statement an inventory host asks for, before it is known at which scope it belongs. <see cref="Code"/>
/// holds <c>{scope}</c> where the scope goes (<c>""</c>, <c>Role(NodeRole.Agent).</c> or <c>Node("w1").</c>);
/// hosts that ask for the same <see cref="Key"/> with the same code share one statement. A setting from a variable
/// of the host itself (<see cref="HostOwn"/>) stays with that node, however many hosts agree.
/// </summary>
internal sealed record ImportedSetting(string Key, string Code, string Variable)
{
    public bool HostOwn { get; init; }
}

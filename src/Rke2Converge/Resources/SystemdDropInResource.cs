using Rke2Converge.Model;

namespace Rke2Converge.Resources;

/// <summary>
/// <c>SystemdDropIn(name, content)</c>: <c>/etc/systemd/system/rke2-server.service.d/NAME.conf</c> (or rke2-agent,
/// by role). systemd re-reads unit files only on <c>daemon-reload</c> and the service uses them on its next start:
/// a change asks for one reload and one restart.
/// </summary>
public sealed class SystemdDropInResource(string name, string content) : FileBackedResource
{
    internal string Name { get; } = name;

    internal string Content { get; } = content;

    internal bool IsAbsent { get; private set; }

    internal string FileName => Name.EndsWith(".conf", StringComparison.Ordinal) ? Name : Name + ".conf";

    internal override string Key => $"systemd-drop-in {FileName}";

    internal override string Kind => "systemd-drop-in";

    internal override bool IsSensitive => false;

    /// <summary>
    /// The drop-in must not exist; an existing one is moved into the backups, and RKE2 reloaded and restarted.
    /// </summary>
    /// <example>
    /// <code>
    /// SystemdDropIn("limits").Absent();
    /// </code>
    /// </example>
    public SystemdDropInResource Absent()
    {
        IsAbsent = true;
        return this;
    }

    internal override string PathFor(NodeSpec node) => $"/etc/systemd/system/{node.Role.ServiceName()}.service.d/{FileName}";

    internal override IEnumerable<string> Validate()
    {
        foreach (var problem in ResourcePaths.CheckName(Name, Key)) yield return problem;
        if (IsAbsent) yield break;
        var firstSection = Content.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith(';'));
        if (firstSection is null || !firstSection.StartsWith('[')) yield return $"{Key}: content must start with a [Section] header, such as [Service]";
    }

    private protected override DesiredFile Desired(ResourceContext context) =>
        new(PathFor(context.Node.Node), IsAbsent ? null : Content.TrimEnd('\n') + "\n", "0644");

    private protected override ServiceEffect EffectOf(ResourceContext context) => ServiceEffect.DaemonReload | ServiceEffect.Restart;
}

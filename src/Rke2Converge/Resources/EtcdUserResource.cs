using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Remote;

namespace Rke2Converge.Resources;

/// <summary>Whether the <c>etcd</c> user and group exist (NSS, as <c>getent</c> and Go's os/user see them).</summary>
internal sealed record EtcdUserState(bool UserExists, bool GroupExists);

/// <summary>
/// The <c>etcd</c> system user and group that RKE2 requires on every server under <c>profile: cis</c> (and
/// <c>cis-1.23</c>; <c>etcd</c> from v1.34): it looks both up before starting and exits with <c>missing required: user: unknown user etcd</c>
/// (rancher/rke2 pkg/cli/cmds/profile_linux.go, validateCISReqs/validateETCDReqs), then runs etcd's static pod as
/// that user (pkg/executor/staticpod/staticpod.go). The engine adds it by itself, as the hardening guide's
/// <c>useradd -r -c "etcd user" -s /sbin/nologin -M etcd -U</c> does by hand; it never removes either.
/// </summary>
internal sealed class EtcdUserResource : Resource<EtcdUserState>
{
    internal const string Name = "etcd";

    internal override string Key => "system-user etcd";

    internal override string Kind => "system-user";

    /// <summary>
    /// Whether RKE2 will require the user on <paramref name="node"/> with this merged config: only when it runs as a
    /// server, whatever the server's roles. The engine adds the resource itself, so this is the only filter.
    /// </summary>
    internal static bool RequiredOn(NodeSpec node, ConfigMap mergedConfig) =>
        node.Role != NodeRole.Agent && (KernelFlags.IsCisProfile(mergedConfig) || mergedConfig["profile"] is "etcd");

    internal override string FactFragment(NodeSpec node) =>
        "if getent passwd etcd >/dev/null 2>&1; then rec user 1; else rec user 0; fi\n" +
        "if getent group etcd >/dev/null 2>&1; then rec group 1; else rec group 0; fi\n";

    private protected override EtcdUserState Parse(ResourceRecords records) =>
        new(Flag(records, "user"), Flag(records, "group"));

    private static bool Flag(ResourceRecords records, string tag) => records.Field(records.Next(tag), 1) switch
    {
        "1" => true,
        "0" => false,
        var other => throw records.Error($"{tag} flag '{other}' is neither 0 nor 1"),
    };

    private protected override ResourceChange? Diff(EtcdUserState actual, ResourceContext context)
    {
        if (actual.UserExists && actual.GroupExists) return null;
        var steps = new List<RemoteCommand>();
        var description = new List<string>();
        if (!actual.GroupExists)
        {
            steps.Add(new RemoteCommand("groupadd etcd", "groupadd --system -- \"$1\"") { Arguments = [Name], Timeout = TimeSpan.FromSeconds(60) });
            description.Add("create group");
        }
        if (!actual.UserExists)
        {
            steps.Add(new RemoteCommand("useradd etcd", "useradd --system --comment 'etcd user' --shell /sbin/nologin --no-create-home --gid \"$1\" -- \"$1\"")
            {
                Arguments = [Name],
                Timeout = TimeSpan.FromSeconds(60),
            });
            description.Add("create user");
        }
        return new ResourceChange(Kind, Key, $"{string.Join(", ", description)} (profile: {Printable.Escape(context.Text(context.Node.Config["profile"] ?? ""))} requires it on servers)", [], ServiceEffect.None) { Steps = steps };
    }
}

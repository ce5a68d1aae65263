using Rke2Converge.Model;

namespace Rke2Converge.Resources;

/// <summary>What a change does to the RKE2 service, like an Ansible handler: collected per node, acted on once.</summary>
[Flags]
internal enum ServiceEffect
{
    None = 0,

    /// <summary>
    /// systemd must re-read unit files (<c>systemctl daemon-reload</c>): once per node, after the playbook's declared
    /// resources are applied and before the built-ins that follow them (config.yaml, the release, the service).
    /// </summary>
    DaemonReload = 1,

    /// <summary>RKE2 reads the thing only at startup: the node's service is restarted, at most once per run.</summary>
    Restart = 2,

    /// <summary>The host must reboot (<c>Reboot.When(path)</c>): the node reboots instead of restarting, behind the same gates.</summary>
    Reboot = 4,
}

/// <summary>
/// One managed thing on a node. A resource contributes (a) a fragment to the node's single fact script, (b) the
/// parse of the records that fragment prints, (c) a diff of that state against what it wants, yielding a
/// <see cref="ResourceChange"/> (or nothing: no difference, no change) that carries (d) the ordered remote steps apply
/// runs through the one mutation path, and (e) the change's <see cref="ServiceEffect"/>.
/// Adding a kind of managed thing takes its subclass of <see cref="Resource{TState}"/> in this folder, the method that
/// declares it in Playbooks/ResourceScope.cs with its editor twin in Playbooks/Editor/PlaybookApi.cs, and its tests
/// (docs/architecture.md, "Adding a resource").
/// </summary>
public abstract class Resource
{
    /// <summary>The playbook line that declared it, for validation errors.</summary>
    internal SourceLocation? DeclaredAt { get; set; }

    /// <summary>Identifies the thing on a node (<c>file /etc/x</c>); a node-scope declaration replaces a cluster-scope one with the same key.</summary>
    internal abstract string Key { get; }

    /// <summary>Stable short name for plans and JSON: <c>file</c>, <c>registries</c>, ...</summary>
    internal abstract string Kind { get; }

    /// <summary>Whether the resource belongs on this node at all (manifests only on servers, say).</summary>
    internal virtual bool AppliesTo(NodeSpec node) => true;

    /// <summary>The paths the resource writes or removes on <paramref name="node"/> (checked against <see cref="ReservedPaths"/> and each other).</summary>
    internal virtual IEnumerable<string> PathsOn(NodeSpec node) => [];

    /// <summary>Everything wrong with the declaration, each message naming the resource; reported at <see cref="DeclaredAt"/>.</summary>
    internal virtual IEnumerable<string> Validate() => [];

    /// <summary>Secrets the resource will need, resolved before any host is touched.</summary>
    internal virtual IEnumerable<SecretSource> Secrets => [];

    /// <summary>
    /// A read-only POSIX sh fragment for the node's fact script. It prints its records with <c>rec FIELD...</c>
    /// (fields without spaces; <c>b64</c> encodes anything else) and may use the helpers in <see cref="ResourceFactScript.Prelude"/>.
    /// Every value taken from the playbook must be quoted with <see cref="Remote.ShellQuote"/>.
    /// </summary>
    internal abstract string FactFragment(NodeSpec node);

    /// <summary>Turns the fragment's records into the resource's own state object.</summary>
    /// <exception cref="ResourceRecordException">The records are not what the fragment prints.</exception>
    internal abstract object ParseFacts(ResourceRecords records);

    /// <summary>The change this node needs, or null when it already matches.</summary>
    internal abstract ResourceChange? Diff(object state, ResourceContext context);
}

/// <summary>A resource whose parsed facts are a <typeparamref name="TState"/>.</summary>
public abstract class Resource<TState> : Resource where TState : notnull
{
    internal sealed override object ParseFacts(ResourceRecords records) => Parse(records);

    internal sealed override ResourceChange? Diff(object state, ResourceContext context) => Diff((TState)state, context);

    private protected abstract TState Parse(ResourceRecords records);

    private protected abstract ResourceChange? Diff(TState actual, ResourceContext context);
}

using System.Security.Cryptography;
using System.Text;
using Rke2Sim.Config;
using Rke2Sim.Daemon;

namespace Rke2Sim.Cluster;

public enum StartupRaceOutcome
{
    None,

    /// <summary>rancher/rke2#8236: the startup-hooks WaitGroup is still nil when waited on.</summary>
    NilPointerPanic,

    /// <summary>rancher/rke2#8269: the WaitGroup is empty, so controllers start while the apiserver is being replaced.</summary>
    FatalExit,
}

/// <summary>
/// The startup race of RKE2 v1.30.12, v1.31.8, v1.32.4 and v1.33.0, fixed in v1.30.13, v1.31.9, v1.32.5, v1.33.1 by
/// rancher/rke2#8270 (commit 689d609e8 "Gate apiserver readiness on static pod sync", with k3s-io/k3s#12351). The
/// executor API of rancher/rke2#7933 made apiserver readiness pass as soon as the <em>old</em> kube-apiserver pod
/// answered, so the startup hooks that should wait until this node's etcd and kube-apiserver static pods have synced
/// unblock too early. It is a race in the node's own start: it needs a start that replaces the node's own static pods
/// (an upgrade, as in #8269; a new encryption config after <c>secrets-encrypt prepare</c>, as in #8236), and it does
/// not depend on what other nodes do. brandond on #8269: same root cause as #8236, "in this case the waitgroup is
/// non-nil so it doesn't panic, but the hooks haven't been added to it yet so the wait returns immediately and
/// controllers start running while the apiserver is still being restarted".
/// </summary>
public static class StartupRace
{
    /// <summary>
    /// How often a start that replaces the node's own static pods loses the race. Upstream gives no rate (it is timing,
    /// and the reporters reproduced it at will); one in two keeps it both visible and survivable in the lab.
    /// </summary>
    public const double Probability = 0.5;

    public const string PanicMessage = "runtime error: invalid memory address or nil pointer dereference";

    /// <summary>
    /// What this start does, from the seeded draw in [0, 1). Only servers running kube-apiserver wait on its readiness
    /// before their startup hooks; the #8236 panic was seen on the control-plane-only server of a split cluster, the
    /// #8269 fatal exit on an all-in-one server.
    /// </summary>
    public static StartupRaceOutcome Outcome(bool affectedRelease, NodeRoles roles, bool replacesOwnStaticPods, double draw)
    {
        if (!affectedRelease || !roles.ApiServer || !replacesOwnStaticPods || draw >= Probability) return StartupRaceOutcome.None;
        return roles.Etcd ? StartupRaceOutcome.FatalExit : StartupRaceOutcome.NilPointerPanic;
    }

    /// <summary>The seeded draw for one start of one node: its own stream, so other timings do not move it.</summary>
    public static double Draw(string seed, string node, int startCount)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}/{node}/{startCount}/startup-race"));
        return new Random(BitConverter.ToInt32(digest, 0)).NextDouble();
    }

    /// <summary>Whether this start's manifests change the node's etcd or kube-apiserver pod (the pods the hooks should wait for).</summary>
    public static bool ReplacesOwnStaticPods(IReadOnlySet<string> replacedManifests) =>
        replacedManifests.Contains("etcd") || replacedManifests.Contains("kube-apiserver");

    /// <summary>Ends the start the way upstream's does once the hooks have run too early.</summary>
    public static void Strike(StartupRaceOutcome outcome)
    {
        switch (outcome)
        {
            case StartupRaceOutcome.NilPointerPanic:
                throw new PanicException(PanicMessage);
            case StartupRaceOutcome.FatalExit:
                // The thread quotes the journal around the exit (status 1), not the fatal line itself; the simulator's
                // line states the cause the issue's title gives.
                throw new FatalException("startup hooks ran while the etcd/kube-apiserver static pods were being recreated");
            default:
                return;
        }
    }
}

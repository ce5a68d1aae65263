using Rke2Converge.Model;

namespace Rke2Converge.Plan;

/// <summary>RKE2 releases with known rollout hazards, and the release that fixes each.</summary>
internal static class KnownIssues
{
    private const string StartupRacePanic = "invalid memory address or nil pointer dereference";

    private static readonly Dictionary<Rke2Version, Rke2Version> StartupRaceFixedIn = new()
    {
        [Rke2Version.Parse("v1.30.12+rke2r1")] = Rke2Version.Parse("v1.30.13+rke2r1"),
        [Rke2Version.Parse("v1.31.8+rke2r1")] = Rke2Version.Parse("v1.31.9+rke2r1"),
        [Rke2Version.Parse("v1.32.4+rke2r1")] = Rke2Version.Parse("v1.32.5+rke2r1"),
        [Rke2Version.Parse("v1.33.0+rke2r1")] = Rke2Version.Parse("v1.33.1+rke2r1"),
    };

    /// <summary>
    /// The fixed release when <paramref name="version"/> has the startup race of rancher/rke2#8236 and #8269: startup
    /// hooks that should wait for the node's own etcd and kube-apiserver static pods to sync unblock early (rancher/rke2
    /// commit 689d609e8, #8270, k3s-io/k3s#12351), so a start that replaces those pods can panic or exit fatally. It
    /// is a race in each node's own start; upstream names no restart order that avoids it, only the fixed release.
    /// </summary>
    public static Rke2Version? StartupRaceFix(Rke2Version version) =>
        StartupRaceFixedIn.TryGetValue(version, out var fixedIn) ? fixedIn : null;

    /// <summary>
    /// Names the known bug behind a crash line, when it is one: the nil-pointer panic of a control-plane node on an
    /// affected release (rancher/rke2#8236). Null for anything else.
    /// </summary>
    public static string? ExplainCrash(Rke2Version version, NodeRole role, string crashLine)
    {
        if (!role.CarriesControlPlane() || !crashLine.Contains(StartupRacePanic, StringComparison.Ordinal)) return null;
        return StartupRaceFix(version) is { } fixedIn
            ? $"this is the known {version} startup race (rancher/rke2#8236, #8269: startup hooks run before the node's own " +
              $"etcd and kube-apiserver pods have synced), fixed in {fixedIn}: upgrade to {fixedIn}"
            : null;
    }
}

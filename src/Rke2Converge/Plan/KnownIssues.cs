using Rke2Converge.Model;

namespace Rke2Converge.Plan;

/// <summary>RKE2 releases with known rollout hazards, and the release that fixes each.</summary>
public static class KnownIssues
{
    private static readonly Dictionary<Rke2Version, Rke2Version> StartupRaceFixedIn = new()
    {
        [Rke2Version.Parse("v1.30.12+rke2r1")] = Rke2Version.Parse("v1.30.13+rke2r1"),
        [Rke2Version.Parse("v1.31.8+rke2r1")] = Rke2Version.Parse("v1.31.9+rke2r1"),
        [Rke2Version.Parse("v1.32.4+rke2r1")] = Rke2Version.Parse("v1.32.5+rke2r1"),
        [Rke2Version.Parse("v1.33.0+rke2r1")] = Rke2Version.Parse("v1.33.1+rke2r1"),
    };

    /// <summary>
    /// The fixed release when <paramref name="version"/> has the startup race: a control-plane-only node restarted
    /// after the etcd-only nodes panics, and startup hooks racing static pod re-creation are fatal.
    /// </summary>
    public static Rke2Version? StartupRaceFix(Rke2Version version) =>
        StartupRaceFixedIn.TryGetValue(version, out var fixedIn) ? fixedIn : null;
}

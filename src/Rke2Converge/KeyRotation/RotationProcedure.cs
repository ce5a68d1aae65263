using Rke2Converge.Model;
using Rke2Converge.Plan;

namespace Rke2Converge.KeyRotation;

/// <summary>A server of the cluster, in join order, as the rotation sees it.</summary>
internal sealed record RotationServer(string Name, NodeRole Role);

/// <summary>What the rotation is built from: the servers, the release, the state the cluster is in, and the user's choices.</summary>
internal sealed record RotationRequest(IReadOnlyList<RotationServer> Servers, Rke2Version Version, EncryptionStatus Status)
{
    /// <summary>Use prepare/rotate/reencrypt even where rotate-keys exists.</summary>
    public bool Staged { get; init; }
}

/// <summary>
/// The steps of a secrets-encryption key rotation, following RKE2's documented procedure for the release
/// (docs.rke2.io security/secrets_encryption; docs.k3s.io cli/secrets-encrypt), from the stage the cluster is in.
/// </summary>
internal sealed record RotationProcedure(string Path, IReadOnlyList<RotationStep> Steps, IReadOnlyList<string> Notes)
{
    public const string StagedPath = "staged (prepare, rotate, reencrypt)";
    public const string RotateKeysPath = "rotate-keys";

    /// <summary>The procedure, or why rke2c will not run it.</summary>
    public static (RotationProcedure? Procedure, string? Refusal) Build(RotationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var status = request.Status;
        var command = status.Server;
        var notes = new List<string>();
        var order = RestartOrder(request.Servers, request.Version);
        var fixedIn = KnownIssues.StartupRaceFix(request.Version);
        if (fixedIn is not null)
        {
            notes.Add($"on {request.Version} a control-plane server restarted with a new encryption config can crash once on the startup race "
                + $"(rancher/rke2#8236, #8269; fixed in {fixedIn}) and comes up on systemd's restart; each restart is gated, a crash loop stops the rotation. "
                + $"Upgrading to {fixedIn} first avoids it");
        }
        var etcd = request.Servers.FirstOrDefault(s => s.Role.CarriesEtcd())?.Name ?? command;
        List<RotationStep> steps = [new SnapshotStep(etcd, "rke2c-pre-key-rotation")];
        var all = (IReadOnlyList<string>)order;

        string path;
        switch (status.Stage)
        {
            case RotationStage.Prepare:
                path = StagedPath;
                notes.Add($"the cluster is mid-rotation at stage prepare ({status.Describe()}): resuming from there");
                Staged(steps, command, all, fromStage: RotationStage.Prepare);
                break;
            case RotationStage.Rotate:
                path = StagedPath;
                notes.Add($"the cluster is mid-rotation at stage rotate ({status.Describe()}): resuming from there");
                Staged(steps, command, all, fromStage: RotationStage.Rotate);
                break;
            case RotationStage.ReencryptRequest or RotationStage.ReencryptActive:
                path = StagedPath;
                notes.Add($"the cluster is reencrypting secrets ({status.Describe()}): waiting for it, then restarting every server");
                steps.Add(new AwaitStageStep(command, RotationStage.ReencryptFinished, HashesMatch: false));
                steps.Add(new RestartStep(all, "they load the config without the old key"));
                steps.Add(new AwaitStageStep(command, RotationStage.ReencryptFinished, HashesMatch: true));
                break;
            case RotationStage.Start or RotationStage.ReencryptFinished when !status.HashesMatch:
                path = "finishing the last rotation";
                notes.Add($"the last rotation stopped before its restarts ({status.Describe()}): restarting every server to finish it; run rotate again for a new key");
                steps.Add(new RestartStep(all, "they load the cluster's current encryption config"));
                steps.Add(new AwaitStageStep(command, status.Stage, HashesMatch: true));
                break;
            case RotationStage.Start or RotationStage.ReencryptFinished when !request.Staged && HasRotateKeys(request.Version):
                path = RotateKeysPath;
                steps.Add(new CommandStep(command, "rotate-keys"));
                steps.Add(new AwaitStageStep(command, RotationStage.ReencryptFinished, HashesMatch: false));
                steps.Add(new RestartStep([.. all.Where(n => n != command)], $"{command} reloaded the new config by itself; the others load it on restart"));
                steps.Add(new AwaitStageStep(command, RotationStage.ReencryptFinished, HashesMatch: true));
                break;
            case RotationStage.Start or RotationStage.ReencryptFinished:
                path = StagedPath;
                if (!HasRotateKeys(request.Version)) notes.Add($"{request.Version} has no rotate-keys (it came with v1.28): the staged procedure");
                steps.Add(new CommandStep(command, "prepare"));
                steps.Add(new AwaitStageStep(command, RotationStage.Prepare, HashesMatch: false));
                Staged(steps, command, all, fromStage: RotationStage.Prepare);
                break;
            default:
                return (null, $"{command} reports rotation stage '{status.Stage}', which rke2c does not know; finish the rotation by hand (rke2 secrets-encrypt status)");
        }

        return (new RotationProcedure(path, steps, notes), null);
    }

    /// <summary>From prepare: the restarts, rotate and its restarts, reencrypt and the wait for it, and the last restarts.</summary>
    private static void Staged(List<RotationStep> steps, string command, IReadOnlyList<string> all, string fromStage)
    {
        if (fromStage == RotationStage.Prepare)
        {
            steps.Add(new RestartStep(all, "they load the new key, still decrypting with the old one"));
            steps.Add(new AwaitStageStep(command, RotationStage.Prepare, HashesMatch: true));
            steps.Add(new CommandStep(command, "rotate"));
            steps.Add(new AwaitStageStep(command, RotationStage.Rotate, HashesMatch: false));
        }
        steps.Add(new RestartStep(all, "they encrypt with the new key"));
        steps.Add(new AwaitStageStep(command, RotationStage.Rotate, HashesMatch: true));
        steps.Add(new CommandStep(command, "reencrypt"));
        steps.Add(new AwaitStageStep(command, RotationStage.ReencryptFinished, HashesMatch: false));
        steps.Add(new RestartStep(all, "they load the config without the old key"));
        steps.Add(new AwaitStageStep(command, RotationStage.ReencryptFinished, HashesMatch: true));
    }

    /// <summary>rotate-keys exists from v1.28 (k3s verifyRotateKeysSupport refuses older control-plane nodes).</summary>
    public static bool HasRotateKeys(Rke2Version version) => version.Major > 1 || version.Minor >= 28;

    /// <summary>
    /// Servers in join order, on every release: the startup race of rancher/rke2#8236/#8269 is in each node's own
    /// start, and upstream's field reports disagree on an order (one says control plane first, another etcd first).
    /// </summary>
    public static IReadOnlyList<string> RestartOrder(IReadOnlyList<RotationServer> servers, Rke2Version version)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(version);
        return [.. servers.Select(s => s.Name)];
    }
}

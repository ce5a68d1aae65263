using System.Security.Cryptography;
using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// The RKE2 release on the node: installed or upgraded from the release artifacts (pushed or downloaded, checksum
/// verified, unpacked), never downgraded and never across a skipped minor version. A new binary needs a restart.
/// </summary>
internal sealed class Rke2InstallResource : BuiltInResource
{
    public override string Title => "install rke2";

    public override IEnumerable<ReservedPath> Writes => InstallOperations.UnpackedPaths.Select(relative => new ReservedPath(
        ResourcePaths.Normalize($"{Rke2Paths.InstallPrefix}/{relative}"), Tree: relative.EndsWith('/'), "installed from the RKE2 release tarball by rke2c"));

    // Leaves $rke2 set (empty when not installed) for the fragments that ask RKE2 itself. The prefix follows the
    // install script's rule (rancher/rke2 install.sh setup_env, check_target_mountpoint || check_target_ro: /opt/rke2
    // when /usr/local is a mount point of its own or read-only), read without writing: test -w asks access(2), which
    // answers EROFS on a read-only mount even for root, where the script touches a file. Read-only is named first, as
    // the more telling reason. A tarball already under /opt/rke2 keeps its prefix; every day-2 command finds it there
    // (Rke2Paths.ResolveRke2Argument).
    internal override string FactFragment => $$"""
        rke2=
        if [ -x {{ShellQuote.Quote(Rke2Paths.Rke2Binary)}} ]; then rke2={{ShellQuote.Quote(Rke2Paths.Rke2Binary)}}
        elif [ -x {{ShellQuote.Quote(Rke2Paths.FallbackRke2Binary)}} ]; then rke2={{ShellQuote.Quote(Rke2Paths.FallbackRke2Binary)}}
        else rke2=$(command -v rke2 2>/dev/null) || rke2=; fi
        if [ "$rke2" = {{ShellQuote.Quote(Rke2Paths.FallbackRke2Binary)}} ]; then echo 'install-prefix fallback installed'
        elif [ "$rke2" = {{ShellQuote.Quote(Rke2Paths.Rke2Binary)}} ]; then :
        elif [ -d {{ShellQuote.Quote(Rke2Paths.InstallPrefix)}} ] && [ ! -w {{ShellQuote.Quote(Rke2Paths.InstallPrefix)}} ]; then echo 'install-prefix fallback read-only'
        elif [ -d {{ShellQuote.Quote(Rke2Paths.InstallPrefix)}} ] && command -v mountpoint >/dev/null 2>&1 && mountpoint -q {{ShellQuote.Quote(Rke2Paths.InstallPrefix)}}; then echo 'install-prefix fallback mount-point'
        fi
        if [ -n "$rke2" ]; then
          printf 'rke2-version present %s\n' "$("$rke2" --version 2>/dev/null | head -n 1 | base64 -w0)"
        else
          echo 'rke2-version missing'
        fi

        """;

    public override IReadOnlyList<FactTag> Records { get; } = [new("rke2-version"), new("install-prefix", FactOccurrence.Optional)];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records)
    {
        var version = records.Single(r => r.Tag == "rke2-version");
        facts = facts with { InstalledVersion = version.Optional() is { } output ? FactParser.VersionFromOutput(output) : null };
        if (records.SingleOrDefault(r => r.Tag == "install-prefix") is not { } prefix) return facts;
        var reason = prefix.Expect(2).Raw(2) switch
        {
            "installed" => "rke2 is installed there",
            "read-only" => $"{Rke2Paths.InstallPrefix} is read-only",
            "mount-point" => $"{Rke2Paths.InstallPrefix} is a mount point of its own",
            var other => throw prefix.Error($"unknown install-prefix reason '{FactRecord.Short(other)}'"),
        };
        if (prefix.Raw(1) != "fallback") throw prefix.Error("malformed 'install-prefix' record");
        return facts with { InstallPrefix = Rke2Paths.FallbackInstallPrefix, InstallPrefixReason = reason };
    }

    private static InstallChange Install(string? from, Rke2Version want, HostFacts facts) =>
        new(from, want, facts.Arch) { Prefix = facts.InstallPrefix, PrefixReason = facts.InstallPrefixReason };

    internal override IEnumerable<Change> Diff(BuiltInPlanContext context)
    {
        var (want, facts) = (context.Node.Version, context.Facts);
        if (facts.InstalledVersion is null) return [Install(null, want, facts)];
        if (!Rke2Version.TryParse(facts.InstalledVersion, out var have))
        {
            context.Problem($"installed rke2 reports version '{facts.InstalledVersion}', which rke2c cannot compare; reinstall by hand");
            return [];
        }
        if (have == want) return [];
        if (have > want)
        {
            context.Problem($"downgrade from {have} to {want} refused: RKE2 does not support downgrades (restore an etcd snapshot instead)");
            return [];
        }
        if (want.Major != have.Major || want.Minor > have.Minor + 1)
        {
            context.Problem($"upgrade from {have} to {want} skips a minor version: upgrade to the latest v{have.Major}.{have.Minor + 1} release first");
            return [];
        }
        return [Install(have.ToString(), want, facts)];
    }

    public override IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<InstallChange>() is not { } change) yield break;
        var names = new[] { InstallOperations.TarballName(change.Arch), InstallOperations.ChecksumName(change.Arch) };
        var staging = InstallOperations.StagingFor(change.To);
        switch (context.Artifacts)
        {
            case ArtifactSource.LocalDirectory local:
                foreach (var name in names) yield return Push(local, change.To, change.Arch, name, $"{staging}/{name}");
                break;
            case ArtifactSource.Mirror mirror:
                foreach (var name in names)
                {
                    yield return RolloutStep.Run(Title, StepKind.Install, InstallOperations.Fetch(change.To, mirror.BaseUrl, name), $"{staging}/{name}");
                }
                break;
            default:
                yield return new RolloutStep(Title, new PlannedStep(StepKind.Install, "stage the release artifacts", staging),
                    (_, _) => throw new InvalidOperationException("no artifact source declared: use Artifacts.FromDirectory(...) or Artifacts.FromMirror(...)"));
                yield break;
        }
        yield return RolloutStep.Run(Title, StepKind.Install, InstallOperations.VerifyAndUnpack(change.To, change.Arch, change.Prefix), change.Prefix);
    }

    /// <summary>
    /// Pushes one file of the local artifact directory, streamed (the tarball is large). The plan binds the file's
    /// size and content: the tarball's by the checksum its checksum file lists (the artifact check proved they agree),
    /// the checksum file's by its own hash. A file missing now fails the step (the plan reports it as a problem).
    /// </summary>
    private RolloutStep Push(ArtifactSource.LocalDirectory local, Rke2Version version, string arch, string name, string target)
    {
        var tarball = name == InstallOperations.TarballName(arch);
        var sums = ArtifactFiles.PathOf(local, version, InstallOperations.ChecksumName(arch));
        var planned = new PlannedStep(StepKind.Install, $"push {name}", target);
        var file = ArtifactFiles.PathOf(local, version, name);
        if (!File.Exists(file))
        {
            return new RolloutStep(Title, planned, (_, _) => Task.FromException(new FileNotFoundException($"artifact {name} for {version} not found: expected {file}", file)));
        }
        var sha256 = (tarball && File.Exists(sums) ? ArtifactCheck.ListedChecksum(File.ReadAllText(sums), name)?.ToLowerInvariant() : null) ?? Sha256Of(file);
        var push = InstallOperations.Push(version, name, file) with { StdinSha256 = sha256 };
        if (!tarball) return new RolloutStep(Title, planned, (node, token) => node.ExecuteAsync(push, token)) { Sends = [push] };
        var staged = InstallOperations.IsStaged(version, name, sha256);
        return new RolloutStep(Title, planned, async (node, token) =>
        {
            if (await AlreadyStagedAsync(node, staged, token).ConfigureAwait(false))
            {
                node.Settings.Log.Information("{Node}: {File} is already staged with SHA-256 {Sha256}; not sent again", node.Node, name, sha256);
                return;
            }
            await node.ExecuteAsync(push, token).ConfigureAwait(false);
        })
        {
            Sends = [staged, push],
        };
    }

    private static string Sha256Of(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The tarball is not sent again when the node already holds it with the same SHA-256 (left by a run that stopped
    /// later). A read, so it runs only for real: a dry run shows the push.
    /// </summary>
    private static async Task<bool> AlreadyStagedAsync(NodeContext node, RemoteCommand staged, CancellationToken token)
    {
        if (node.Settings.Executor.IsDryRun) return false;
        return (await node.Shell.RunAsync(staged, token).ConfigureAwait(false)).ExitCode == 0;
    }
}

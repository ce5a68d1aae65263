using Rke2Converge.IntegrationTests.Converge;
using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Cli;

/// <summary>
/// The Debian package as an operator without .NET gets it: <c>tools/release.sh</c> builds it, <c>dpkg -i</c> installs
/// it in a private mount namespace (overlays over /usr, /etc and dpkg's database, so the machine is untouched) where
/// the .NET SDK is hidden, and the installed <c>rke2c</c> scaffolds, validates, plans and applies against a lab host.
/// </summary>
[Collection(Clusters.Name)]
public sealed class DebianPackageTests
{
    // Bounds for a loaded machine, not expectations: a self-contained publish, then a one-server bootstrap.
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan InstalledRunTimeout = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task The_deb_installs_and_runs_init_validate_plan_and_apply_on_a_machine_without_dotnet()
    {
        var work = Directory.CreateTempSubdirectory("rke2c-deb-").FullName;
        var dist = Path.Combine(work, "dist");
        var release = await ProcessRunner.RunAsync("bash", [Path.Combine(LabEnvironment.RepoRoot, "tools", "release.sh"), dist], ReleaseTimeout,
                        // ReadyToRun only precompiles the same program; skipping it keeps the suite minutes shorter.
            environment: new Dictionary<string, string?> { ["RKE2C_RELEASE_RIDS"] = "linux-x64", ["RKE2C_RELEASE_R2R"] = "0" });
        Assert.True(release.Exit == 0, $"release.sh: exit {release.Exit}\n{release.Stdout}\n{release.Stderr}");
        var deb = Assert.Single(Directory.GetFiles(dist, "rke2c_*_amd64.deb"));
        var sums = File.ReadAllText(Path.Combine(dist, "SHA256SUMS"));
        Assert.Contains(Path.GetFileName(deb), sums, StringComparison.Ordinal);

        await using var lab = await LabEnvironment.UpAsync("it-deb", 1, new LabOptions { Net = 190 });
        var playbook = Path.Combine(work, "lab.csx");
        File.WriteAllText(playbook, LabPlaybook.Header(lab) + LabPlaybook.Node(lab, "Server", "server-1", 1));
        var script = $$"""
            set -euo pipefail
            mount --make-rprivate /
            for dir in /usr /etc /var/lib/dpkg; do
              layer={{work}}/layers/${dir//\//_}; mkdir -p "$layer/upper" "$layer/work"
              mount -t overlay overlay -o "lowerdir=$dir,upperdir=$layer/upper,workdir=$layer/work" "$dir"
            done
            dpkg -i {{deb}} >/dev/null
            dpkg -L rke2c | grep -qx /usr/share/man/man1/rke2c.1.gz
            test -s /usr/share/bash-completion/completions/rke2c && test -s /usr/share/zsh/vendor-completions/_rke2c
            test -s /usr/share/fish/vendor_completions.d/rke2c.fish && test -s /usr/share/doc/rke2c/THIRD-PARTY-NOTICES
            # No .NET on this machine from here on.
            mount -t tmpfs none /usr/share/dotnet
            export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME={{work}}/home
            mkdir -p "$HOME"
            if command -v dotnet >/dev/null 2>&1 && dotnet --info >/dev/null 2>&1; then echo "dotnet is still usable" >&2; exit 3; fi
            cd {{work}}
            rke2c --version
            rke2c init scaffold >/dev/null
            rke2c validate scaffold/site.csx
            rke2c validate lab.csx
            set +e
            rke2c plan lab.csx --no-color; echo "plan exit $?"
            rke2c apply lab.csx --yes --no-color; echo "apply exit $?"
            rke2c plan lab.csx --no-color; echo "replan exit $?"
            """;
        var run = await ProcessRunner.RunAsync("unshare", ["-m", "bash", "-c", script], InstalledRunTimeout,
            environment: new Dictionary<string, string?>
            {
                ["RKE2_TOKEN"] = "tok-deb-test-token",
                ["RKE2C_CACHE_DIR"] = Path.Combine(work, "cache"),
                ["XDG_STATE_HOME"] = Path.Combine(work, "state"),
                ["DOTNET_ROOT"] = null,
            });

        var output = $"exit {run.Exit}\n--- stdout\n{run.Stdout}\n--- stderr\n{run.Stderr}";
        Assert.True(run.Exit == 0, output);
        Assert.Contains("scaffold/site.csx: cluster my-cluster, 4 node(s), valid", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("lab.csx: cluster it-it-deb, 1 node(s), valid", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("plan exit 2", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("apply exit 0", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("replan exit 0", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-deb-test-token", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists("/usr/bin/rke2c"), "dpkg -i reached the real machine");
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail the test.
        }
    }
}

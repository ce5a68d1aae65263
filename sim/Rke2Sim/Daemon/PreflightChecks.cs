using Rke2Sim.Hosting;
using Rke2Sim.Kernel;

namespace Rke2Sim.Daemon;

/// <summary>
/// What RKE2 validates before starting anything under a profile, as rancher/rke2 pkg/cli/cmds/profile_linux.go does
/// on the simulated releases (before #8349 split the etcd checks out in v1.34): validateProfile accepts
/// <c>cis</c>, <c>cis-1.23</c> or nothing; validateCISReqs collects the missing etcd user and group (servers only,
/// through os/user) and the wrong kernel parameters into one fatal error; only then does setCISFlags refuse an explicit
/// <c>protect-kernel-defaults: false</c>.
/// </summary>
public static class PreflightChecks
{
    private static readonly string[] ValidProfiles = ["cis", "cis-1.23"];

    public static void Run(NodeDaemon daemon, bool isServer)
    {
        var config = daemon.Config;
        var profile = config.GetString("profile");
        if (string.IsNullOrEmpty(profile)) return;
        if (!ValidProfiles.Contains(profile, StringComparer.Ordinal)) throw new FatalException("invalid value provided for --profile flag");
        var problems = new List<string>();
        if (isServer)
        {
            // os/user's UnknownUserError and UnknownGroupError, wrapped by errors.WithMessage(err, "missing required").
            if (!EntryExists("/etc/passwd")) problems.Add("missing required: user: unknown user etcd");
            if (!EntryExists("/etc/group")) problems.Add("missing required: group: unknown group etcd");
        }
        problems.AddRange(KernelParameters.CisViolations(KernelParameters.ReadAll()));
        // cisErrors.Error() ends every error with a newline.
        if (problems.Count > 0) throw new FatalException(string.Concat(problems.Select(problem => problem + "\n")));
        if (config.ProtectKernelDefaultsExplicitlyOff)
            throw new FatalException($"--protect-kernel-defaults must be true when using --profile={profile}");
    }

    private static bool EntryExists(string database) =>
        SimPaths.ReadIfExists(database) is { } entries &&
        entries.Split('\n').Any(line => line.StartsWith("etcd:", StringComparison.Ordinal));
}

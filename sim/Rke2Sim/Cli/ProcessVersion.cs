using Rke2Sim.Versions;

namespace Rke2Sim.Cli;

/// <summary>
/// <c>/proc/&lt;MainPID&gt;/exe --version</c>: the executable is the simulator itself, so the version comes from the
/// --sim-version argument of the process whose exe link was used.
/// </summary>
public static class ProcessVersion
{
    public static int Print()
    {
        var version = FromProcExeInvocation();
        if (version is null)
        {
            Console.Out.WriteLine("rke2sim (RKE2 simulator); run as rke2 --sim-version <version> --version");
            return 0;
        }
        Console.Out.Write(ReleaseInfo.Parse(version).VersionOutput);
        return 0;
    }

    private static string? FromProcExeInvocation()
    {
        try
        {
            var self = File.ReadAllText("/proc/self/cmdline").Split('\0');
            var match = System.Text.RegularExpressions.Regex.Match(self[0], @"^/proc/(\d+)/exe$");
            if (!match.Success) return null;
            var target = File.ReadAllText($"/proc/{match.Groups[1].Value}/cmdline").Split('\0');
            var at = Array.IndexOf(target, "--sim-version");
            return at >= 0 && at + 1 < target.Length ? target[at + 1] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}

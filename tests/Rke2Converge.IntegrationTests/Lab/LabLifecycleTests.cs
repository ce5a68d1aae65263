using Xunit;

namespace Rke2Converge.IntegrationTests.Lab;

public sealed class LabLifecycleTests
{
    [Fact]
    public async Task Down_leaves_no_process_of_the_lab_behind()
    {
        var lab = await LabEnvironment.UpAsync("it-lab-down", 2, new LabOptions { Net = 212 });
        IReadOnlyList<string> namespaces;
        try
        {
            // Something detached in a host (its own session, like a runaway service child) plus a live SSH session.
            var (exit, _, stderr) = await lab.ExecAsync(1, "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo started");
            Assert.True(exit == 0, stderr);
            var ssh = lab.SshAsync(2, "sleep 300", timeout: TimeSpan.FromMinutes(4));
            namespaces = lab.HostNamespaces();
            Assert.True(Directory.Exists($"/sys/class/net/{LabEnvironment.MachineInterface(212)}"), "the lab has no interface on the machine");
            await WaitForAsync(() => NamespaceProbe.ProcessesIn([namespaces[1]]).Any(IsSleep));
            Assert.NotEmpty(NamespaceProbe.ProcessesIn([namespaces[0]]).Skip(1));
            await lab.DisposeAsync();
            Assert.Equal(255, (await ssh).Exit); // the session died with its host
        }
        finally
        {
            await lab.DisposeAsync();
        }
        Assert.Empty(NamespaceProbe.ProcessesIn(namespaces));
        Assert.False(Directory.Exists(lab.Directory));
        // The hosts listened in their own network namespaces; what the lab made on the machine is its link to them.
        Assert.False(Directory.Exists($"/sys/class/net/{LabEnvironment.MachineInterface(212)}"), "the lab's interface survives down");
    }

    private static bool IsSleep(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep"; }
        catch (IOException) { return false; }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1200 && !condition(); i++) await Task.Delay(100);
        Assert.True(condition(), "condition not reached within 2 min");
    }
}

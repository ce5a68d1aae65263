using Xunit;

namespace Rke2Converge.IntegrationTests.Lab;

/// <summary>xunit class fixture: one lab shared by the tests of a class, taken down afterwards.</summary>
public abstract class LabFixture(string name, int hosts, LabOptions options) : IAsyncLifetime
{
    private LabEnvironment? _lab;

    public LabEnvironment Lab => _lab ?? throw new InvalidOperationException("lab is not up");

    public async Task InitializeAsync() => _lab = await LabEnvironment.UpAsync(name, hosts, options);

    public async Task DisposeAsync()
    {
        if (_lab is not null) await _lab.DisposeAsync();
    }
}

public static class NamespaceProbe
{
    /// <summary>Pids of live processes whose mount namespace is one of the given ones.</summary>
    public static List<int> ProcessesIn(IReadOnlyCollection<string> namespaces)
    {
        var found = new List<int>();
        foreach (var directory in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            try
            {
                var target = new FileInfo(Path.Combine(directory, "ns", "mnt")).LinkTarget;
                if (target is not null && namespaces.Contains(target) && !IsZombie(pid)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException) { return true; }
    }
}

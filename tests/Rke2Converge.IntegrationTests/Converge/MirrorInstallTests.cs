using System.Net;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class MirrorInstallTests
{
    private const int Net = 57;

    /// <summary>The hosts live in their own network namespaces: the mirror listens on the machine's end of their link.</summary>
    private static readonly string MirrorAddress = LabEnvironment.MachineAddress(Net);

    [Fact]
    public async Task Nodes_download_the_release_from_an_http_mirror_and_verify_it_before_unpacking()
    {
        await using var lab = await LabEnvironment.UpAsync("it-mirror", 1, new LabOptions { Net = Net });
        using var mirror = new ArtifactMirror($"http://{MirrorAddress}:8098/releases/download/", Rke2cDriver.Artifacts);
        var rke2c = new Rke2cDriver(lab.Name);
        var header = Header(lab).Replace($"Artifacts.FromDirectory(\"{Rke2cDriver.Artifacts}\");",
            $"Artifacts.FromMirror(\"http://{MirrorAddress}:8098/releases/download\");", StringComparison.Ordinal);
        var playbook = rke2c.WritePlaybook("site.csx", header + Node(lab, "Server", "solo", 1));

        var apply = await rke2c.RunAsync("apply", "--yes", playbook);

        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Contains("/releases/download/v1.32.5%2Brke2r1/rke2.linux-amd64.tar.gz", mirror.Requests);
        Assert.Contains("/releases/download/v1.32.5%2Brke2r1/sha256sum-amd64.txt", mirror.Requests);
        Assert.StartsWith("rke2 version v1.32.5+rke2r1", await lab.ExecOkAsync(1, "/usr/local/bin/rke2 --version"), StringComparison.Ordinal);

        mirror.CorruptTarballs = true;
        var upgrade = rke2c.WritePlaybook("site.csx", header.Replace("v1.32.5+rke2r1", "v1.33.1+rke2r1", StringComparison.Ordinal) + Node(lab, "Server", "solo", 1));
        var corrupted = await rke2c.RunAsync("apply", "--yes", upgrade);

        Assert.True(corrupted.Exit == 1, corrupted.ToString());
        Assert.Contains("checksum mismatch for rke2.linux-amd64.tar.gz", corrupted.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("rke2 version v1.32.5+rke2r1", await lab.ExecOkAsync(1, "/usr/local/bin/rke2 --version"), StringComparison.Ordinal);
    }

    /// <summary>A release mirror on the machine laid out like GitHub's downloads: PREFIX/VERSION/FILE, '+' escaped.</summary>
    private sealed class ArtifactMirror : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly string _root;
        private readonly Task _serving;

        public ArtifactMirror(string prefix, string root)
        {
            _root = root;
            _listener.Prefixes.Add(prefix);
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public List<string> Requests { get; } = [];

        public bool CorruptTarballs { get; set; }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                var raw = context.Request.RawUrl ?? "";
                lock (Requests) Requests.Add(raw);
                var parts = Uri.UnescapeDataString(raw).Split('/', StringSplitOptions.RemoveEmptyEntries);
                var file = Path.Combine(_root, parts[^2], parts[^1]);
                if (File.Exists(file))
                {
                    var bytes = await File.ReadAllBytesAsync(file);
                    if (CorruptTarballs && file.EndsWith(".tar.gz", StringComparison.Ordinal)) bytes[^1] ^= 0xff;
                    await context.Response.OutputStream.WriteAsync(bytes);
                }
                else
                {
                    context.Response.StatusCode = 404;
                }
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Rke2Sim.Artifacts;
using Rke2Sim.Cli;
using Rke2Sim.Hosting;
using Rke2Sim.Tls;
using Rke2Sim.Versions;
using Xunit;

namespace Rke2Converge.Tests.Simulator;

public sealed class ArtifactTests
{
    [Fact]
    public void ChecksumFileMatchesTheTarballInSha256sumFormat()
    {
        var output = Directory.CreateTempSubdirectory("rke2sim-artifacts-");
        try
        {
            var directory = ArtifactBuilder.Build(output.FullName, "v1.32.5+rke2r1");
            var tarball = File.ReadAllBytes(Path.Join(directory, ArtifactBuilder.TarballName));
            var lines = File.ReadAllLines(Path.Join(directory, ArtifactBuilder.ChecksumName));
            Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(tarball))}  rke2.linux-amd64.tar.gz", lines[0]);
            // The images tarballs are listed too, as upstream's sha256sum-ARCH.txt lists them.
            foreach (var name in new[] { "rke2-images.linux-amd64.tar.zst", "rke2-images.linux-amd64.tar.gz", "rke2-images-core.linux-amd64.tar.zst", "rke2-images-canal.linux-amd64.tar.zst" })
            {
                var bytes = File.ReadAllBytes(Path.Join(directory, name));
                Assert.Contains($"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  {name}", lines);
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("rke2-images.linux-amd64.tar.zst", true)]
    [InlineData("rke2-images.linux-amd64.tar.gz", true)]
    [InlineData("rke2-images-core.linux-amd64.tar.zst", true)]
    [InlineData("rke2-images-canal.linux-amd64.tar.zst", false)]
    public void ImagesTarballsNameTheRuntimeImageWhereUpstreamsDo(string name, bool holdsRuntime)
    {
        var output = Directory.CreateTempSubdirectory("rke2sim-images-");
        try
        {
            var directory = ArtifactBuilder.Build(output.FullName, "v1.32.5+rke2r1");
            var images = ImageArchives.ImagesIn(Path.Join(directory, name));
            Assert.Equal(holdsRuntime, images.Contains("index.docker.io/rancher/rke2-runtime:v1.32.5-rke2r1"));
            Assert.NotEmpty(images);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void AnArchiveThatDoesNotDecompressAsItsNameSaysIsUnreadable()
    {
        var output = Directory.CreateTempSubdirectory("rke2sim-images-");
        try
        {
            var gzipNamedZst = Path.Join(output.FullName, "rke2-images.linux-amd64.tar.zst");
            File.WriteAllBytes(gzipNamedZst, ImageArchives.Build(["index.docker.io/rancher/rke2-runtime:v1.32.5-rke2r1"], ".tar.gz"));
            Assert.Throws<InvalidDataException>(() => ImageArchives.ImagesIn(gzipNamedZst));
            var truncated = Path.Join(output.FullName, "rke2-images.linux-amd64.tar.gz");
            File.WriteAllBytes(truncated, ImageArchives.Build(["index.docker.io/rancher/rke2-runtime:v1.32.5-rke2r1"], ".tar.gz")[..20]);
            Assert.Throws<InvalidDataException>(() => ImageArchives.ImagesIn(truncated));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void ImagesTarballsAreDeterministic() =>
        Assert.Equal(ImageArchives.Build(["a:1"], ".tar.zst"), ImageArchives.Build(["a:1"], ".tar.zst"));

    [Fact]
    public void TarballIsDeterministicPerVersion()
    {
        Assert.Equal(ArtifactBuilder.BuildTarball("v1.31.8+rke2r1"), ArtifactBuilder.BuildTarball("v1.31.8+rke2r1"));
        Assert.NotEqual(ArtifactBuilder.BuildTarball("v1.31.8+rke2r1"), ArtifactBuilder.BuildTarball("v1.31.9+rke2r1"));
    }

    [Fact]
    public void TarballHasUpstreamLayoutAndPinsItsVersion()
    {
        var entries = new Dictionary<string, (string Content, UnixFileMode Mode)>();
        using (var gzip = new GZipStream(new MemoryStream(ArtifactBuilder.BuildTarball("v1.33.1+rke2r1")), CompressionMode.Decompress))
        using (var reader = new TarReader(gzip))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                var content = entry.DataStream is null ? "" : new StreamReader(entry.DataStream).ReadToEnd();
                entries[entry.Name] = (content, entry.Mode);
            }
        }
        foreach (var path in new[] { "bin/rke2", "bin/rke2-killall.sh", "bin/rke2-uninstall.sh", "lib/systemd/system/rke2-server.service", "lib/systemd/system/rke2-agent.service", "share/rke2/rke2-cis-sysctl.conf" })
        {
            Assert.True(entries.ContainsKey(path), path);
        }
        Assert.Contains("--sim-version v1.33.1+rke2r1", entries["bin/rke2"].Content);
        Assert.True(entries["bin/rke2"].Mode.HasFlag(UnixFileMode.UserExecute));
        var unit = entries["lib/systemd/system/rke2-server.service"].Content;
        Assert.Contains("Type=notify", unit);
        Assert.Contains("ExecStart=/usr/local/bin/rke2 server", unit);
        Assert.Contains("Conflicts=rke2-agent.service", unit);
        Assert.Contains("RestartSec=5s", unit);
        Assert.Contains("kernel.panic=10", entries["share/rke2/rke2-cis-sysctl.conf"].Content);
    }

    [Theory]
    [InlineData("v1.31.8+rke2r1")]
    [InlineData("v1.33.1+rke2r1")]
    public void LauncherAnswersVersionExactlyAsTheSimulatorDoes(string version)
    {
        var launcher = Path.Combine(Directory.CreateTempSubdirectory("rke2-launcher").FullName, "rke2");
        File.WriteAllText(launcher, Rke2Sim.Artifacts.BundleFiles.Rke2Launcher(version));
        var run = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", [launcher, "--version"]) { RedirectStandardOutput = true })!;
        var output = run.StandardOutput.ReadToEnd();
        run.WaitForExit();

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(ReleaseInfo.Parse(version).VersionOutput, output);
    }

    [Fact]
    public void VersionOutputHasUpstreamShape()
    {
        var lines = ReleaseInfo.Parse("v1.31.8+rke2r1").VersionOutput.Split('\n');
        Assert.Equal("rke2 version v1.31.8+rke2r1 (f598b218a6f58bd566d6d757a352efb8260de42e)", lines[0]);
        Assert.Equal("go version go1.23.6 X:boringcrypto", lines[1]);
        Assert.Matches(@"^rke2 version v1\.33\.1\+rke2r1 \([0-9a-f]{40}\)$", ReleaseInfo.Parse("v1.33.1+rke2r1").VersionOutput.Split('\n')[0]);
    }
}

public sealed class CliPieceTests
{
    [Fact]
    public void AgeUsesKubectlUnits()
    {
        Assert.Equal("45s", TextTable.Age(TimeSpan.FromSeconds(45)));
        Assert.Equal("3m20s", TextTable.Age(TimeSpan.FromSeconds(200)));
        Assert.Equal("130m", TextTable.Age(TimeSpan.FromMinutes(130)));
        Assert.Equal("3h10m", TextTable.Age(TimeSpan.FromMinutes(190)));
    }

    [Fact]
    public void FullTokensCarryTheCaHash()
    {
        var ca = ClusterCa.Create(DateTimeOffset.UtcNow);
        var parsed = ParsedToken.Parse(ca.FullToken("s3cret"));
        Assert.Equal("s3cret", parsed.Secret);
        Assert.Equal(ca.TokenHash, parsed.CaHash);
        Assert.Equal(new ParsedToken("plain", null), ParsedToken.Parse("plain"));
    }

    [Fact]
    public void HostEnvironmentFileIsKeyValueLines()
    {
        var values = HostEnvironment.Parse("# lab\nRKE2_SIM_HOST=h3\nexport RKE2_SIM_TIME_SCALE=\"0.05\"\n\nBAD LINE\n");
        Assert.Equal("h3", values["RKE2_SIM_HOST"]);
        Assert.Equal("0.05", values["RKE2_SIM_TIME_SCALE"]);
        Assert.Equal(2, values.Count);
    }
}

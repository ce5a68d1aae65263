using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Remote;
using Rke2Converge.Tests.Remote;
using Xunit;

namespace Rke2Converge.Tests.Facts;

/// <summary>Runs the real fact script with sh on this machine (it only reads) and parses what it prints.</summary>
[SupportedOSPlatform("linux")]
public sealed class FactScriptTests
{
    private static readonly string[] Keys =
        ["kernel.ostype", "net.ipv4.tcp_rmem", "net/ipv4/ip_forward", "no.such.key", "vm.overcommit_memory"];

    private static async Task<HostFacts> GatherAsync(IRemoteShell shell, IEnumerable<string> keys)
    {
        var command = FactScript.Build(keys);
        var result = await shell.RunCheckedAsync(command, default);
        return FactParser.Parse(shell.NodeName, result.Stdout, command.Arguments);
    }

    [Fact]
    public async Task A_fresh_host_whose_usr_local_is_read_only_or_its_own_mount_installs_under_opt_rke2_as_the_install_script_does()
    {
        using var files = new FakeHostFiles();
        var writable = await GatherAsync(files.Shell("writable"), Keys);
        var readOnly = await GatherAsync(new LocalShell("ro", files.NamespaceSetup + " && mount --bind /usr/local /usr/local && mount -o remount,bind,ro /usr/local"), Keys);
        var ownMount = await GatherAsync(new LocalShell("mounted", files.NamespaceSetup + " && mount --bind /usr/local /usr/local"), Keys);

        Assert.Equal("/usr/local", writable.InstallPrefix);
        Assert.Null(writable.InstallPrefixReason);
        Assert.Equal("/opt/rke2", readOnly.InstallPrefix);
        Assert.Equal("/usr/local is read-only", readOnly.InstallPrefixReason);
        Assert.Equal(("/opt/rke2", "/usr/local is a mount point of its own"), (ownMount.InstallPrefix, ownMount.InstallPrefixReason));
    }

    [Fact]
    public async Task A_tarball_already_under_opt_rke2_keeps_its_prefix_and_reports_its_version()
    {
        using var files = new FakeHostFiles();
        var shell = new LocalShell("opt", files.NamespaceSetup
            + " && mount -t tmpfs tmpfs /opt && mkdir -p /opt/rke2/bin"
            + """ && printf '%s\n' '#!/bin/sh' 'echo "rke2 version v1.32.5+rke2r1 (c1a0d5a2)"' > /opt/rke2/bin/rke2 && chmod 755 /opt/rke2/bin/rke2""");
        var facts = await GatherAsync(shell, Keys);

        Assert.Equal("v1.32.5+rke2r1", facts.InstalledVersion);
        Assert.Equal("/opt/rke2", facts.InstallPrefix);
        Assert.Equal("rke2 is installed there", facts.InstallPrefixReason);
    }

    [Fact]
    public async Task A_fresh_host_reports_nothing_installed_and_its_real_runtime_values()
    {
        using var files = new FakeHostFiles();
        var facts = await GatherAsync(files.Shell("fresh"), Keys);

        Assert.Equal("fresh", facts.Node);
        Assert.Equal("Linux", facts.Sysctls["kernel.ostype"]);
        Assert.Equal(Normalized("/proc/sys/net/ipv4/tcp_rmem"), facts.Sysctls["net.ipv4.tcp_rmem"]);
        Assert.DoesNotContain('\t', facts.Sysctls["net.ipv4.tcp_rmem"]!);
        Assert.Equal(Normalized("/proc/sys/net/ipv4/ip_forward"), facts.Sysctls["net/ipv4/ip_forward"]);
        Assert.Equal(Normalized("/proc/sys/vm/overcommit_memory"), facts.Sysctls["vm.overcommit_memory"]);
        Assert.Null(facts.Sysctls["no.such.key"]);
        Assert.Equal(Keys.Length, facts.Sysctls.Count);
        Assert.Null(facts.ManagedSysctlFile);
        Assert.Null(facts.ConfigYaml);
        Assert.Empty(facts.ConfigDropIns);
        Assert.Null(facts.InstalledVersion);
        Assert.Equal(PendingWork.None, facts.Pending);
        foreach (var service in new[] { facts.ServerService, facts.AgentService })
        {
            Assert.False(service.Installed);
            Assert.False(service.Enabled);
            Assert.False(service.IsActive);
        }
        Assert.Equal("rke2-server", facts.ServerService.Unit);
        Assert.Equal(OsReleaseValue("ID"), facts.OsId);
        Assert.Equal(OsReleaseValue("VERSION_ID"), facts.OsVersion);
        Assert.Equal(ExpectedArch(), facts.Arch);
        Assert.Equal(LocalProcess.RunChecked("uname", "-n").StdoutText.Trim(), facts.Hostname);
    }

    [Fact]
    public async Task An_installed_host_reports_files_version_and_units_whatever_the_file_content()
    {
        using var files = new FakeHostFiles();
        const string hostileConfig =
            "rke2c-facts 1\nend rke2c-facts\nsysctl a b\nconfig missing\ntoken: \"x y\"\r\n\ttabbed: 日本\n\u0001\u001b[0m no newline at end";
        files.Write(Rke2Paths.ConfigFile, hostileConfig);
        files.Write(Rke2Paths.ManagedSysctlFile, "vm.overcommit_memory = 1\nkernel.panic = 10\n");
        string[] dropIns = ["10-b.yaml", "02-a.yaml", "Z.yaml", "a b.yaml", "empty.yaml", "n\nl.yaml", "c.yml", "D.YAML", ".hidden.yaml"];
        foreach (var name in dropIns) files.Write($"{Rke2Paths.ConfigDropInDirectory}/{name}", name == "empty.yaml" ? "" : $"from: {name}\n");
        files.Write($"{Rke2Paths.ConfigDropInDirectory}/notyaml.txt", "ignored: true\n");
        files.CreateDirectory($"{Rke2Paths.ConfigDropInDirectory}/dir.yaml");
        files.Write(Rke2Paths.Rke2Binary,
            "#!/bin/sh\necho 'rke2 version v1.32.5+rke2r1 (c1a0d5a2)'\necho 'go version go1.23.8 X:boringcrypto'\n", executable: true);
        files.Write($"{Rke2Paths.UnitDirectory}/rke2-server.service", "[Service]\nType=notify\n");
        files.Write("/usr/local/bin/systemctl", """
            #!/bin/sh
            [ "$1 $2 $3" = "show -p Id,UnitFileState,ActiveState" ] || exit 1
            printf 'Id=rke2-server.service\nUnitFileState=enabled\nActiveState=active\n\n'
            printf 'Id=rke2-agent.service\nUnitFileState=disabled\nActiveState=inactive\n'

            """, executable: true);
        files.Write(Rke2Paths.PendingWorkMarker, "verify\n");
        files.Write("/etc/os-release", "NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID='9.4'\n");

        var facts = await GatherAsync(files.Shell("installed"), ["kernel.ostype"]);

        Assert.Equal(hostileConfig, facts.ConfigYaml);
        Assert.Equal("vm.overcommit_memory = 1\nkernel.panic = 10\n", facts.ManagedSysctlFile);
        // What RKE2 reads (k3s configfilearg: *.yaml and *.yml in any case, dot-files too), in byte order of the names.
        Assert.Equal([".hidden.yaml", "02-a.yaml", "10-b.yaml", "D.YAML", "Z.yaml", "a b.yaml", "c.yml", "empty.yaml", "n\nl.yaml"],
            facts.ConfigDropIns.Select(d => d.FileName));
        Assert.Equal("from: 10-b.yaml\n", facts.ConfigDropIns[2].Content);
        Assert.Equal("", facts.ConfigDropIns[7].Content);
        Assert.Equal($"{Rke2Paths.ConfigDropInDirectory}/c.yml", facts.ConfigDropIns[6].Path);
        Assert.Equal("v1.32.5+rke2r1", facts.InstalledVersion);
        Assert.Equal("/usr/local", facts.InstallPrefix);
        Assert.Equal(new ServiceFacts("rke2-server", true, true, "active"), facts.ServerService);
        Assert.Equal(new ServiceFacts("rke2-agent", false, false, "inactive"), facts.AgentService);
        Assert.Equal("rocky", facts.OsId);
        Assert.Equal("9.4", facts.OsVersion);
        Assert.Equal(PendingWork.Verify, facts.Pending);
    }

    [Fact]
    public async Task Sysctl_keys_are_data_never_code()
    {
        const string canary = "/tmp/rke2c-facts-pwned";
        File.Delete(canary);
        string[] keys = ["$(touch${IFS}" + canary + ")", "`touch${IFS}" + canary + "`", "kernel.ostype;touch"];

        var facts = await GatherAsync(new LocalShell("hostile"), keys);

        Assert.False(File.Exists(canary));
        Assert.All(keys, key => Assert.Null(facts.Sysctls[key]));
    }

    [Fact]
    public void Keys_travel_as_arguments_deduplicated_and_not_in_the_script_text()
    {
        var command = FactScript.Build(["vm.swappiness", "kernel.panic", "vm.swappiness"], TimeSpan.FromSeconds(7));

        Assert.Equal(["vm.swappiness", "kernel.panic"], command.Arguments);
        Assert.DoesNotContain("swappiness", command.Script);
        Assert.Equal(TimeSpan.FromSeconds(7), command.Timeout);
        Assert.Null(command.Stdin);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/shadow")]
    [InlineData("net/../../../etc/shadow")]
    [InlineData("kernel..panic")]
    [InlineData("vm.swappiness ")]
    [InlineData("a\nb")]
    public void Keys_that_could_leave_proc_sys_are_refused(string key) =>
        Assert.Throws<ArgumentException>(() => FactScript.Build([key]));

    private static string Normalized(string procFile) =>
        string.Join(' ', File.ReadAllText(procFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string OsReleaseValue(string key) =>
        LocalProcess.RunChecked("/bin/sh", "-c", $". /etc/os-release; printf '%s' \"${key}\"").StdoutText;

    private static string ExpectedArch() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.S390x => "s390x",
        var other => other.ToString(),
    };
}

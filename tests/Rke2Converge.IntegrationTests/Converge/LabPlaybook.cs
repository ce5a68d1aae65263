using System.Globalization;
using Rke2Converge.IntegrationTests.Lab;

namespace Rke2Converge.IntegrationTests.Converge;

/// <summary>Playbook text for a lab: the cluster header every test shares, node lines added per test.</summary>
public static class LabPlaybook
{
    /// <summary>
    /// How long each gate may take. A bound, not an expectation: healthy nodes pass in seconds, but on a loaded machine
    /// (load average 15 on 2 cores) a simulated node can take minutes. Tests that expect a gate to fail make it fail
    /// through a fault, and set a shorter timeout themselves only where waiting longer could not change the outcome.
    /// </summary>
    public static readonly TimeSpan GateTimeout = TimeSpan.FromMinutes(3);

    public static string Header(LabEnvironment lab, string version = "v1.32.5+rke2r1", string? user = null) => $$"""
        Cluster("it-{{lab.Name}}").Version("{{version}}").Token(Secret.FromEnv("RKE2_TOKEN"));
        Ssh(user: "{{user ?? "root"}}", key: "{{lab.KeyPath}}");
        KnownHosts("{{lab.KnownHostsPath}}");
        Artifacts.FromDirectory("{{Rke2cDriver.Artifacts}}");
        Sysctl("vm.swappiness", 10);
        Config["protect-kernel-defaults"] = true;
        Gates.All(timeout: TimeSpan.FromSeconds({{Invariant((int)GateTimeout.TotalSeconds)}}), poll: TimeSpan.FromMilliseconds(500)).SettleWindow(TimeSpan.FromSeconds(2));

        """;

    public static string Address(LabEnvironment lab, int host) => lab.Host(host).Address;

    public static string Node(LabEnvironment lab, string kind, string name, int host, string suffix = "") =>
        $"{kind}(\"{name}\", \"{Address(lab, host)}\"){suffix};\n";

    public static string JoinOrder(params string[] names) =>
        $"JoinOrder({string.Join(", ", names.Select(n => $"\"{n}\""))});\n";

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Net;
using System.Net.Sockets;
using Rke2Converge.IntegrationTests.Lab;
using static Rke2Converge.IntegrationTests.Converge.LabPlaybook;

namespace Rke2Converge.IntegrationTests.Converge;

[Collection(Clusters.Name)]
public sealed class AccessAndInputTests
{
    // The playbooks below name 127.0.99.1; they are rewritten to this lab block's address (a one-digit block keeps columns).
    private static readonly string Listener = LabEnvironment.Address(99, 1);
    private const int ListenerPort = 2222;

    /// <summary>A playbook whose node is a TCP listener rke2c must never connect to, with a body to break on purpose.</summary>
    private static string Playbook(string body) => $$"""
        Cluster("bad").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
        Ssh(user: "root", port: {{ListenerPort}});
        {{body.Replace("127.0.99.1", Listener, StringComparison.Ordinal)}}
        """;

    [Theory]
    [InlineData("Server(\"s1\", \"127.0.99.1\")\nJoinOrder(\"s1\");", "site.csx(3,27): error CS1002: ; expected")]
    [InlineData("Server(\"s1\", \"127.0.99.1\");\nJoinOrder(\"s1\", \"ghost\");", "site.csx:4: error: join order names unknown node 'ghost'")]
    [InlineData("Server(\"s1\", \"127.0.99.1\");\nServer(\"s2\", \"127.0.99.1\");\nJoinOrder(\"s1\", \"s2\");", "127.0.99.1")]
    [InlineData("ControlPlane(\"c1\", \"127.0.99.1\");\nJoinOrder(\"c1\");", "c1")]
    [InlineData("Server(\"s1\", \"127.0.99.1\").Sysctl(\"vm..x\", 1);\nJoinOrder(\"s1\");", "vm..x")]
    [InlineData("Cluster(\"bad\").Token(Secret.FromEnv(\"RKE2C_IT_NOT_SET\"));\nServer(\"s1\", \"127.0.99.1\");\nJoinOrder(\"s1\");", "RKE2C_IT_NOT_SET")]
    [InlineData("Server(\"s1\\nprofile: cis\", \"127.0.99.1\");\nJoinOrder(\"s1\\nprofile: cis\");", "site.csx:3: error: node name 's1\\nprofile: cis' is not a valid RFC 1123 label")]
    [InlineData("Server(\"s1\", \"127.0.99.1\").Ssh(user: \"-oProxyCommand=touch /tmp/rke2c-pwned\");\nJoinOrder(\"s1\");", "site.csx:3: error: node 's1' ssh user '-oProxyCommand=touch /tmp/rke2c-pwned' is not a valid user name")]
    public async Task Bad_playbooks_are_refused_with_file_and_line_before_any_host_is_contacted(string body, string expected)
    {
        using var listener = new TcpListener(IPAddress.Parse(Listener), ListenerPort);
        listener.Start();
        var rke2c = new Rke2cDriver("bad-input");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook(body));

        foreach (var command in new[] { "plan", "apply" })
        {
            var run = await rke2c.RunAsync(command, playbook);
            Assert.True(run.Exit == 1, run.ToString());
            Assert.Contains(expected.Replace("127.0.99.1", Listener, StringComparison.Ordinal), run.Stderr, StringComparison.Ordinal);
        }
        Assert.False(listener.Pending(), "rke2c connected to a host although the playbook was rejected");
    }

    [Theory]
    [InlineData("config.yaml.scriban", "# {{ node }}\n\nname: {{ node }\n", "templates/config.yaml.scriban(3,15): error: ")]
    [InlineData("sysctl.conf.scriban", "# {{ cluster }}\n{{ for s in sysctl }}{{ s.key }}\n{{ end }}\n", "templates/sysctl.conf.scriban(2,13): error: ")]
    public async Task A_broken_template_next_to_the_playbook_is_refused_with_file_line_and_column_before_any_host_is_contacted(
        string template, string text, string expected)
    {
        using var listener = new TcpListener(IPAddress.Parse(Listener), ListenerPort);
        listener.Start();
        var rke2c = new Rke2cDriver("bad-template");
        var playbook = rke2c.WritePlaybook("site.csx", Playbook("Server(\"s1\", \"127.0.99.1\");\nJoinOrder(\"s1\");"));
        Directory.CreateDirectory(Path.Combine(rke2c.WorkDirectory, "templates"));
        await File.WriteAllTextAsync(Path.Combine(rke2c.WorkDirectory, "templates", template), text);

        foreach (var command in new[] { "validate", "plan", "apply" })
        {
            var run = await rke2c.RunAsync(command, playbook);
            Assert.True(run.Exit == 1, run.ToString());
            Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        }
        Assert.False(listener.Pending(), "rke2c connected to a host although a template was broken");
    }

    [Fact]
    public async Task An_unknown_host_key_is_refused_with_instructions_and_a_sudo_user_converges()
    {
        await using var lab = await LabEnvironment.UpAsync("it-access", 1, new LabOptions { Net = 54, SudoUser = "rke2c" });
        var rke2c = new Rke2cDriver(lab.Name);
        var body = Node(lab, "Server", "solo", 1) + JoinOrder("solo");
        var emptyKnownHosts = Path.Combine(rke2c.WorkDirectory, "empty_known_hosts");
        await File.WriteAllTextAsync(emptyKnownHosts, "");
        var untrusted = rke2c.WritePlaybook("untrusted.csx", Header(lab).Replace(lab.KnownHostsPath, emptyKnownHosts, StringComparison.Ordinal) + body);

        var refused = await rke2c.RunAsync("plan", untrusted);

        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains("solo", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains($"ssh-keyscan -p 22 {Address(lab, 1)} >> {emptyKnownHosts}", refused.Stderr, StringComparison.Ordinal);
        Assert.False(await lab.FileExistsAsync(1, "/etc/sysctl.d/90-rke2c.conf"));

        var asSudoUser = rke2c.WritePlaybook("site.csx", Header(lab, user: "rke2c") + body);
        var apply = await rke2c.RunAsync("apply", "--yes", asSudoUser);
        Assert.True(apply.Exit == 0, apply.ToString());
        Assert.Equal("root 600", await lab.ExecOkAsync(1, "stat -c '%U %a' /etc/rancher/rke2/config.yaml"));
        var again = await rke2c.RunAsync("plan", asSudoUser);
        Assert.True(again.Exit == 0, again.ToString());
    }
}

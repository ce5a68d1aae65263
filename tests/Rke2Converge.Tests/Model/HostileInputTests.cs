using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Playbooks;
using Rke2Converge.Tests.Playbooks;

namespace Rke2Converge.Tests.Model;

/// <summary>
/// Hostile names, keys, values, paths, users, addresses and template content, each through the real loader and
/// validator: refused with the playbook's file and line, or carried literally into the model (the lab test
/// <c>LiteralConfigValuesTests</c> checks that such values land on a host unchanged).
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    /// <summary>The playbook around each hostile line; the hostile line is line <see cref="HostileLine"/>.</summary>
    private const string Preamble = """
        Cluster("lab").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
        Ssh(user: "root");
        Server("s1", "10.0.0.1");
        Agent("a1", "10.0.0.2");
        JoinOrder("s1");

        """;

    private const int HostileLine = 6;

    private readonly PlaybookWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    public static TheoryData<string, string> Refused => new()
    {
        // Names: the cluster's and the nodes' end up in file headers, plans and kubectl arguments.
        { """Cluster("rel\nprofile: cis");""", "cluster name 'rel\\nprofile: cis' is invalid" },
        { """Cluster("a b");""", "cluster name 'a b' is invalid" },
        { """Cluster("../../etc");""", "cluster name '../../etc' is invalid" },
        { """Cluster("-x");""", "cluster name '-x' is invalid" },
        { """Cluster("{{node}}");""", "cluster name '{{node}}' is invalid" },
        { """Agent("a2\n", "10.0.0.3");""", "node name 'a2\\n' is not a valid RFC 1123 label" },
        { """Agent("a2\nprofile: cis", "10.0.0.3");""", "node name 'a2\\nprofile: cis'" },
        { """Agent("a2\r", "10.0.0.3");""", "node name 'a2\\r'" },
        { """Agent("A2", "10.0.0.3");""", "node name 'A2'" },
        { """Agent("-a2", "10.0.0.3");""", "node name '-a2'" },
        { """Agent("a2;id", "10.0.0.3");""", "node name 'a2;id'" },
        { """Agent("../a2", "10.0.0.3");""", "node name '../a2'" },
        { """Agent("{{yaml}}", "10.0.0.3");""", "node name '{{yaml}}'" },
        { """Agent("", "10.0.0.3");""", "a node has an empty name" },
        { """JoinOrder("s1\n");""", "join order names unknown node 's1\\n'" },
        // Keys: the engine's own, compared after trimming and case folding; and keys that are not keys at all.
        { """Config["token "] = "hunter2";""", "config key 'token ' (cluster-wide) is managed by rke2c" },
        { """Config["Token"] = "hunter2";""", "config key 'Token' (cluster-wide) is managed by rke2c" },
        { """Config["token+"] = "hunter2";""", "config key 'token+' (cluster-wide) is managed by rke2c" },
        { """Config["token-file"] = "/tmp/t";""", "config key 'token-file' (cluster-wide) is managed by rke2c" },
        { """Config["node-name"] = "x";""", "config key 'node-name' (cluster-wide) is managed by rke2c" },
        { """Config["NODE_NAME"] = "x";""", "config key 'NODE_NAME' (cluster-wide) is managed by rke2c" },
        { """Config["with-node-id"] = true;""", "config key 'with-node-id' (cluster-wide) is managed by rke2c" },
        { """Config[" disable-etcd"] = true;""", "config key ' disable-etcd' (cluster-wide) is managed by rke2c" },
        { """Role(NodeRole.Agent).Config["server"] = "https://x:9345";""", "config key 'server' (role agent) is managed by rke2c" },
        { """Node("a1").Config["server\t"] = "https://x:9345";""", "config key 'server\\t' (node a1) is managed by rke2c" },
        { """Config["profile: cis\nx"] = "y";""", "config key 'profile: cis\\nx' (cluster-wide) is invalid" },
        { """Config["tls-san: [a]\n#"] = "y";""", "config key 'tls-san: [a]\\n#' (cluster-wide) is invalid" },
        { """Config["kubelet-arg\r"] = "x";""", "config key 'kubelet-arg\\r' (cluster-wide) is invalid" },
        { """Config["a b"] = 1;""", "config key 'a b' (cluster-wide) is invalid" },
        { """Config["#x"] = 1;""", "config key '#x' (cluster-wide) is invalid" },
        { """Config["-x"] = 1;""", "config key '-x' (cluster-wide) is invalid" },
        { """Config["tls-san\u200b"] = "x";""", "config key 'tls-san\\u200b' (cluster-wide) is invalid" },
        { """Config[""] = 1;""", "config key must not be empty" },
        { """Config["agent-token"] = "plain";""", "config key 'agent-token' (cluster-wide) must be a secret" },
        // Values: carried literally, except control characters and YAML 1.1 line breaks.
        { """Config["node-label"] = new[] { "a=b\u0000" };""", "config key 'node-label' (cluster-wide) has a value 'a=b\\x00' containing the control character U+0000" },
        { """Config["cni"] = "canal\u2028profile: cis";""", "containing the line-breaking character U+2028" },
        { """Config["etcd-snapshot-name"] = "a\u0085b";""", "containing the control character U+0085" },
        { """Config["kubelet-arg"] = "x\u001b[2J";""", "containing the control character U+001B" },
        { """Config["kube-apiserver-arg"] = new Dictionary<string, object> { ["a\nb"] = "x" };""", "has an entry 'a\\nb' containing a line break" },
        // Sysctls: keys reach `sysctl -w key=value` and sysctl.d, values one line.
        { """Sysctl("-p", 1);""", "sysctl key '-p' (cluster-wide) is invalid" },
        { """Sysctl("--system", 1);""", "sysctl key '--system' (cluster-wide) is invalid" },
        { """Sysctl("vm.swappiness\n", 1);""", "sysctl key 'vm.swappiness\\n' (cluster-wide) is invalid" },
        { """Sysctl("vm.swappiness=1", 1);""", "sysctl key 'vm.swappiness=1' (cluster-wide) is invalid" },
        { """Sysctl("vm.swappiness kernel.panic", 1);""", "sysctl key 'vm.swappiness kernel.panic'" },
        { """Sysctl("vm", 1);""", "sysctl key 'vm' (cluster-wide) is invalid" },
        { """Sysctl("vm.-swappiness", 1);""", "sysctl key 'vm.-swappiness'" },
        { """Sysctl("vm.swappiness", "10\nkernel.panic = 0");""", "sysctl vm.swappiness (cluster-wide) has a value spanning several lines" },
        { """Node("a1").Sysctl("kernel.panic", "1\u001b[2J");""", "sysctl kernel.panic (node a1) value '1\\x1b[2J' contains the control character U+001B" },
        { """Node("a1").Sysctl("kernel.panic", " ");""", "sysctl kernel.panic (node a1) has an empty value" },
        { """Sysctl("vm.swappiness", null!);""", "sysctl value must not be null" },
        // SSH users and addresses reach ssh's command line; keys and known_hosts must exist.
        { """Ssh(user: "-oProxyCommand=touch /tmp/pwned");""", "default ssh user '-oProxyCommand=touch /tmp/pwned' is not a valid user name" },
        { """Ssh(user: "root\n");""", "default ssh user 'root\\n' is not a valid user name" },
        { """Ssh(user: "ro ot");""", "default ssh user 'ro ot'" },
        { """Node("a1").Ssh(user: "-l");""", "node 'a1' ssh user '-l' is not a valid user name" },
        { """Agent("a2", "-oProxyCommand=touch /tmp/pwned");""", "node 'a2' address '-oProxyCommand=touch /tmp/pwned' is not a host name or IP address" },
        { """Agent("a2", "10.0.0.3\n");""", "node 'a2' address '10.0.0.3\\n'" },
        { """Agent("a2", "10.0.0.3 -p 2222");""", "node 'a2' address '10.0.0.3 -p 2222'" },
        { """Agent("a2", "host;id");""", "node 'a2' address 'host;id'" },
        { """Agent("a2", "root@10.0.0.3");""", "node 'a2' address 'root@10.0.0.3'" },
        { """Ssh(key: "missing_key");""", "default ssh key /" },
        { """Node("a1").Ssh(key: "/nonexistent/id_ed25519");""", "node 'a1' ssh key /nonexistent/id_ed25519 does not exist" },
        { """Ssh(key: ".");""", "is a directory, not a file" },
        { """KnownHosts("missing_known_hosts");""", "known_hosts file /" },
        { """Secret.FromFile("a\0b");""", "Null character in path" },
        // Template content: the version lands in file headers too.
        { """Cluster("lab").Version("v1.32.5+rke2r1\nprofile: cis");""", "RKE2 version 'v1.32.5+rke2r1\\nprofile: cis' is invalid" },
        { """Cluster("lab").Version("{{cluster}}");""", "RKE2 version '{{cluster}}' is invalid" },
        { """Artifacts.FromMirror("file:///etc/passwd");""", "artifact mirror 'file:///etc/passwd' is not an absolute http(s) URL" },
        { """Env("RKE2C_HOSTILE_TEST_UNSET");""", "environment variable RKE2C_HOSTILE_TEST_UNSET is not set" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Refused_with_the_playbooks_file_and_line(string hostileLine, string expected)
    {
        var path = _workspace.Write("site.csx", Preamble + hostileLine + "\n");

        var errors = await ErrorsAsync(path);

        var error = Assert.Single(errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.StartsWith($"{path}:{HostileLine}: error", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\r', error);
    }

    public static TheoryData<string, object> CarriedLiterally => new()
    {
        { "a=b: c # d", "a=b: c # d" },
        { "'single' \"double\"", "'single' \"double\"" },
        { "yes", "yes" },
        { "null", "null" },
        { "~", "~" },
        { "0x10", "0x10" },
        { "- item", "- item" },
        { "&anchor *alias !tag", "&anchor *alias !tag" },
        { "{a: b} [c]", "{a: b} [c]" },
        { "%percent @at `back`", "%percent @at `back`" },
        { "  leading and trailing  ", "  leading and trailing  " },
        { "line1\nline2", "line1\nline2" },
        { "line1\r\nline2\r", "line1\nline2\n" },
        { "ünïcødé 日本語 🚀", "ünïcødé 日本語 🚀" },
        { "$(touch /tmp/pwned) `id` ${HOME}", "$(touch /tmp/pwned) `id` ${HOME}" },
        { "{{yaml}} {{{cluster}}}", "{{yaml}} {{{cluster}}}" },
    };

    [Theory]
    [MemberData(nameof(CarriedLiterally))]
    public async Task Carried_literally_into_the_model(string value, object expected)
    {
        var literal = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
        var path = _workspace.Write("site.csx", Preamble + $"Config[\"etcd-snapshot-name\"] = \"{literal}\";\nConfig[\"kubelet-arg\"] = new[] {{ \"{literal}\" }};\n");

        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(new ModelValidator().Validate(result.Model));
        Assert.Equal(expected, result.Model.Config["etcd-snapshot-name"]);
        Assert.Equal([expected], Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Model.Config["kubelet-arg"]));
    }

    [Fact]
    public void The_table_holds_at_least_forty_inputs() => Assert.True(Refused.Count + CarriedLiterally.Count >= 40);

    private async Task<IReadOnlyList<string>> ErrorsAsync(string path)
    {
        var result = await _workspace.Loader().LoadAsync(path, CancellationToken.None);
        if (!result.Succeeded) return [.. result.Diagnostics.Select(d => d.ToString())];
        return [.. new ModelValidator().Validate(result.Model).Where(p => p.Severity == Severity.Error).Select(p => p.ToString())];
    }
}

using System.Text;
using Rke2Converge.Facts;
using Xunit;

namespace Rke2Converge.Tests.Facts;

public sealed class FactParserTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>Output in the script's format; <paramref name="records"/> go between header and the standard records.</summary>
    private static string Output(params string[] records) => string.Join('\n',
    [
        FactScript.Header,
        .. records,
        "managed-sysctl missing",
        "config missing",
        "pending missing",
        "rke2-version missing",
        "unit rke2-server 0 disabled inactive",
        "unit rke2-agent 0  ",
        $"os-release present {B64("ID=debian\nVERSION_ID=\"12\"\n")}",
        $"arch {B64("x86_64")}",
        $"hostname {B64("vm1\n")}",
        FactScript.Trailer,
    ]) + "\n";

    [Fact]
    public void Parses_a_minimal_fresh_host()
    {
        var facts = FactParser.Parse("n1", Output());

        Assert.Equal("n1", facts.Node);
        Assert.Empty(facts.Sysctls);
        Assert.Null(facts.ConfigYaml);
        Assert.Null(facts.InstalledVersion);
        Assert.Equal(new ServiceFacts("rke2-server", false, false, "inactive"), facts.ServerService);
        Assert.Equal(new ServiceFacts("rke2-agent", false, false, "unknown"), facts.AgentService);
        Assert.Equal("debian", facts.OsId);
        Assert.Equal("12", facts.OsVersion);
        Assert.Equal("amd64", facts.Arch);
        Assert.Equal("vm1", facts.Hostname);
    }

    [Fact]
    public void Cluster_nodes_are_read_only_when_the_host_was_asked_and_answered()
    {
        Assert.Null(FactParser.Parse("n1", Output()).ClusterNodes);

        var facts = FactParser.Parse("n1", Output($"cluster-nodes {B64("node/server-1\nnode/agent-1\nnode/old-agent\n")}"));

        Assert.Equal(["server-1", "agent-1", "old-agent"], facts.ClusterNodes);
        var note = Assert.Single(Rke2Converge.Plan.UnmanagedNodes.Notes(["server-1", "agent-1"], new Dictionary<string, HostFacts> { ["n1"] = facts }));
        Assert.StartsWith("node old-agent is in the cluster (kubectl get nodes on n1) but not in the playbook: rke2c leaves it alone.", note, StringComparison.Ordinal);
        Assert.Empty(Rke2Converge.Plan.UnmanagedNodes.Notes(["server-1", "agent-1", "old-agent"], new Dictionary<string, HostFacts> { ["n1"] = facts }));
        Assert.Contains("marked with Remove(...): `rke2c remove PLAYBOOK` removes it",
            Assert.Single(Rke2Converge.Plan.UnmanagedNodes.Notes(["server-1", "agent-1"], new Dictionary<string, HostFacts> { ["n1"] = facts }, ["old-agent"])), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_file_is_read_with_its_age_and_plan_names_its_holder()
    {
        Assert.Null(FactParser.Parse("n1", Output()).Lock);
        var holder = "run=abc\nuser=ops\nmachine=elsewhere\npid=4242\nsince=2026-01-02T03:04:05.000Z\ncommand=rke2c apply site.csx";

        var facts = FactParser.Parse("n1", Output($"lock 90 {B64(holder)}"));

        Assert.Equal(new HeldLock(holder, TimeSpan.FromSeconds(90)), facts.Lock);
        var note = Assert.Single(Rke2Converge.Rollout.ClusterLock.PlanNotes([facts]));
        Assert.StartsWith("apply would be refused: n1 is locked by another rke2c run: ops@elsewhere, pid 4242", note, StringComparison.Ordinal);
        Assert.Throws<FactParseException>(() => FactParser.Parse("n1", Output($"lock soon {B64(holder)}")));
        Assert.DoesNotContain("Lock", System.Text.Json.JsonSerializer.Serialize(facts), StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_expiries_are_read_per_file_and_reviewed_into_a_note_or_drift()
    {
        Assert.Empty(FactParser.Parse("n1", Output()).Certificates);
        var day = 86_400;
        var facts = FactParser.Parse("n1", Output(
            $"cert-expiry {200 * day} {B64("/var/lib/rancher/rke2/server/tls/client-admin.crt")}",
            $"cert-expiry {20 * day + 5} {B64("/var/lib/rancher/rke2/server/tls/serving-kube-apiserver.crt")}"));

        Assert.Equal(new CertificateExpiry("/var/lib/rancher/rke2/server/tls/serving-kube-apiserver.crt", TimeSpan.FromSeconds(20 * day + 5)), facts.Certificates[1]);
        var (notes, drift) = Rke2Converge.Plan.CertificateExpiryReview.Review(facts);
        Assert.StartsWith("certificate serving-kube-apiserver.crt expires in 20 days: restart rke2-server there", Assert.Single(notes), StringComparison.Ordinal);
        Assert.Empty(drift);

        var urgent = FactParser.Parse("n1", Output(
            $"cert-expiry {3 * day} {B64("/var/lib/rancher/rke2/server/tls/client-admin.crt")}",
            $"cert-expiry -60 {B64("/var/lib/rancher/rke2/server/tls/client-kubelet.crt")}"));
        (notes, drift) = Rke2Converge.Plan.CertificateExpiryReview.Review(urgent);
        Assert.Empty(notes);
        Assert.StartsWith("certificate client-kubelet.crt has expired (and 1 more: client-admin.crt): ", Assert.Single(drift), StringComparison.Ordinal);
        Assert.Throws<FactParseException>(() => FactParser.Parse("n1", Output($"cert-expiry soon {B64("/x.crt")}")));
        // The time left shrinks between plan and apply: it is no part of a saved plan's fingerprint.
        Assert.Equal(Rke2Converge.Plan.Saved.SavedPlan.Fingerprint(urgent), Rke2Converge.Plan.Saved.SavedPlan.Fingerprint(FactParser.Parse("n1", Output())));
    }

    [Fact]
    public void The_cluster_CA_hash_is_read_as_lower_case_hex_and_anything_else_refused()
    {
        Assert.Null(FactParser.Parse("n1", Output()).ClusterCaSha256);
        Assert.Equal(new string('a', 64), FactParser.Parse("n1", Output($"cluster-ca {new string('A', 64)}")).ClusterCaSha256);
        Assert.Throws<FactParseException>(() => FactParser.Parse("n1", Output("cluster-ca not-a-hash")));
        Assert.Throws<FactParseException>(() => FactParser.Parse("n1", Output($"cluster-ca {new string('a', 64)}", $"cluster-ca {new string('a', 64)}")));
        Assert.Contains("openssl x509 -in \"$ca\" -outform DER | sha256sum", FactScript.Build([]).Script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fact_script_reads_the_servers_certificate_expiry_with_openssl()
    {
        var script = FactScript.Build([]).Script;
        Assert.Contains("for crt in /var/lib/rancher/rke2/server/tls/*.crt; do", script, StringComparison.Ordinal);
        Assert.Contains("openssl x509 -enddate -noout -in \"$crt\"", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_nodes_fragment_is_only_in_the_script_of_the_host_asked()
    {
        Assert.DoesNotContain("cluster-nodes", FactScript.Build([], [], readClusterNodes: false).Script, StringComparison.Ordinal);
        Assert.Contains("get nodes -o jsonpath=", FactScript.Build([], [], readClusterNodes: true).Script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pending missing", nameof(PendingWork.None))]
    [InlineData("pending present cmVzdGFydAo=", nameof(PendingWork.Restart))]
    [InlineData("pending present dmVyaWZ5Cg==", nameof(PendingWork.Verify))]
    public void Reads_what_an_earlier_rollout_left_pending(string record, string expectedName)
    {
        var expected = Enum.Parse<PendingWork>(expectedName);
        var facts = FactParser.Parse("n1", Output().Replace("pending missing", record, StringComparison.Ordinal));

        Assert.Equal(expected, facts.Pending);
    }

    [Fact]
    public void Rejects_a_pending_marker_it_did_not_write()
    {
        var output = Output().Replace("pending missing", $"pending present {B64("reboot")}", StringComparison.Ordinal);

        var error = Assert.Throws<FactParseException>(() => FactParser.Parse("node-x", output));

        Assert.Contains("/var/lib/rancher/rke2c/pending holds 'reboot'", error.Message);
    }

    [Fact]
    public void Normalises_sysctl_whitespace_and_keeps_missing_keys_as_null()
    {
        var facts = FactParser.Parse("n1", Output(
            "sysctl net.ipv4.tcp_rmem value 4096\t131072  6291456",
            "sysctl no.such missing",
            "sysctl kernel.domainname value "));

        Assert.Equal("4096 131072 6291456", facts.Sysctls["net.ipv4.tcp_rmem"]);
        Assert.Null(facts.Sysctls["no.such"]);
        Assert.Equal("", facts.Sysctls["kernel.domainname"]);
    }

    [Fact]
    public void File_content_that_looks_like_records_is_just_content()
    {
        var content = $"{FactScript.Trailer}\n{FactScript.Header}\nconfig missing\r\n\u0000\u00ff";
        var facts = FactParser.Parse("n1", Output(
            $"dropin {B64("99-x.yaml")} {B64(content)}").Replace("config missing", $"config present {B64(content)}"));

        Assert.Equal(content, facts.ConfigYaml);
        Assert.Equal(new ConfigDropIn("99-x.yaml", content), Assert.Single(facts.ConfigDropIns));
    }

    [Fact]
    public void Drop_ins_come_back_in_the_byte_order_rke2_reads_them_and_never_show_their_content()
    {
        var facts = FactParser.Parse("n1", Output(
            $"dropin {B64("b.yml")} {B64("token: drop-in-secret\n")}",
            $"dropin {B64(".a.yaml")} {B64("")}",
            $"dropin {B64("B.YAML")} {B64("cni: calico\n")}"));

        Assert.Equal([".a.yaml", "B.YAML", "b.yml"], facts.ConfigDropIns.Select(d => d.FileName));
        Assert.Equal("token: drop-in-secret\n", facts.ConfigDropIns[2].Content);
        Assert.DoesNotContain("drop-in-secret", facts.ConfigDropIns[2].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("drop-in-secret", facts.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../config.yaml")]
    [InlineData("..")]
    [InlineData("")]
    public void Rejects_a_drop_in_name_that_is_not_a_plain_file_name(string name)
    {
        var error = Assert.Throws<FactParseException>(() => FactParser.Parse("node-x", Output($"dropin {B64(name)} {B64("a: b")}")));

        Assert.Contains("line 2: drop-in name", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rke2 version v1.32.5+rke2r1 (c1a0d5a2)\n", "v1.32.5+rke2r1")]
    [InlineData("rke2 version v1.31.9+rke2r1 (x)", "v1.31.9+rke2r1")]
    [InlineData("", null)]
    [InlineData("segmentation fault", null)]
    public void Version_is_the_third_field_of_the_first_line(string firstLine, string? expected)
    {
        var output = Output().Replace("rke2-version missing", $"rke2-version present {B64(firstLine)}");

        Assert.Equal(expected, FactParser.Parse("n1", output).InstalledVersion);
    }

    [Theory]
    [InlineData("x86_64", "amd64")]
    [InlineData("aarch64", "arm64")]
    [InlineData("s390x", "s390x")]
    [InlineData("riscv64", "riscv64")]
    public void Maps_machine_names_to_release_architectures(string machine, string expected) =>
        Assert.Equal(expected, FactParser.MapArchitecture(machine));

    [Fact]
    public void Reads_quoted_os_release_values()
    {
        var values = FactParser.ParseOsRelease("# comment\nID='rhel'\nVERSION_ID=\"9.4\"\nNAME=\"Red \\\"Hat\\\"\"\nbroken\n");

        Assert.Equal("rhel", values["ID"]);
        Assert.Equal("9.4", values["VERSION_ID"]);
        Assert.Equal("Red \"Hat\"", values["NAME"]);
        Assert.Equal(3, values.Count);
    }

    [Fact]
    public void Missing_os_release_leaves_defaults()
    {
        var facts = FactParser.Parse("n1", Output().Replace(
            $"os-release present {B64("ID=debian\nVERSION_ID=\"12\"\n")}", "os-release missing"));

        Assert.Equal("unknown", facts.OsId);
        Assert.Equal("", facts.OsVersion);
    }

    [Fact]
    public void Tolerates_carriage_returns_from_the_transport()
    {
        var facts = FactParser.Parse("n1", Output().Replace("\n", "\r\n"));

        Assert.Equal("vm1", facts.Hostname);
    }

    [Theory]
    [InlineData("", "does not start with")]
    [InlineData("bash: sh: command not found\n", "does not start with")]
    public void Rejects_output_that_is_not_fact_output(string stdout, string problem)
    {
        var error = Assert.Throws<FactParseException>(() => FactParser.Parse("node-x", stdout));

        Assert.Equal("node-x", error.Node);
        Assert.StartsWith("node-x: cannot read gathered facts", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Rejects_truncated_output()
    {
        var output = Output();
        var error = Assert.Throws<FactParseException>(
            () => FactParser.Parse("node-x", output[..output.IndexOf("arch", StringComparison.Ordinal)]));

        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData("dropin !!notbase64!! YQ==", 2, "not valid base64")]
    [InlineData("config missing", 4, "appears twice")]
    [InlineData("surprise 1", 2, "unknown record 'surprise'")]
    [InlineData("sysctl key maybe", 2, "malformed sysctl record for 'key'")]
    [InlineData("unit rke2-server 2 ZQ== YQ==", 2, "neither 0 nor 1")]
    [InlineData("dropin YQ==", 2, "record has 1 fields, expected 2")]
    public void Rejects_malformed_records_naming_node_and_line(string record, int line, string problem)
    {
        var error = Assert.Throws<FactParseException>(() => FactParser.Parse("node-x", Output(record)));

        Assert.Contains("node-x", error.Message);
        Assert.Contains($"line {line}:", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Rejects_output_missing_a_required_record()
    {
        var output = Output().Replace("unit rke2-agent 0  \n", "").Replace("config missing\n", "");

        var error = Assert.Throws<FactParseException>(() => FactParser.Parse("node-x", output));

        Assert.Contains("lacks records: config, unit rke2-agent", error.Message);
    }

    [Fact]
    public void Rejects_output_missing_an_expected_sysctl()
    {
        var output = Output("sysctl vm.swappiness value 60");

        var error = Assert.Throws<FactParseException>(
            () => FactParser.Parse("node-x", output, ["vm.swappiness", "kernel.panic"]));

        Assert.Contains("sysctl kernel.panic", error.Message);
        Assert.DoesNotContain("sysctl vm.swappiness", error.Message);
    }
}

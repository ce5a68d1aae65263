using LabSystemd.Commands;
using LabSystemd.Units;
using Xunit;

namespace Rke2Converge.Tests.LabSystemd;

public sealed class UnitFileParserTests
{
    private const string Rke2Server = """
        [Unit]
        Description=Rancher Kubernetes Engine v2 (server)
        Conflicts=rke2-agent.service

        [Install]
        WantedBy=multi-user.target

        [Service]
        Type=notify
        EnvironmentFile=-/etc/default/%N
        EnvironmentFile=-/usr/local/lib/systemd/system/%N.env
        KillMode=process
        Delegate=yes
        TimeoutStartSec=0
        Restart=always
        RestartSec=5s
        ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service'
        ExecStartPre=-/sbin/modprobe br_netfilter
        ExecStart=/usr/local/bin/rke2 \
            server
        ExecStopPost=-/bin/sh -c "systemd-cgls /system.slice/%n | grep -Eo '[0-9]+ (containerd|kubelet)' | awk '{print $1}' | xargs -r kill"
        """;

    [Fact]
    public void The_rke2_server_unit_parses_into_what_systemd_would_run()
    {
        var unit = UnitFileParser.Parse("rke2-server.service", [new UnitSource("/x/rke2-server.service", Rke2Server)], "h1");

        Assert.Equal(ServiceType.Notify, unit.Type);
        Assert.Equal(RestartPolicy.Always, unit.Restart);
        Assert.Equal(TimeSpan.FromSeconds(5), unit.RestartSec);
        Assert.Equal(SystemdTime.Infinity, unit.TimeoutStartSec);
        Assert.Equal(KillMode.Process, unit.KillMode);
        Assert.Equal(["rke2-agent.service"], unit.Conflicts);
        Assert.Equal(["multi-user.target"], unit.WantedBy);
        Assert.Equal(
            [new EnvironmentFileRef("/etc/default/rke2-server", true), new EnvironmentFileRef("/usr/local/lib/systemd/system/rke2-server.env", true)],
            unit.EnvironmentFiles);
        Assert.Equal(["/bin/sh", "-xc", "! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service"], unit.ExecStartPre[0].Words);
        Assert.False(unit.ExecStartPre[0].IgnoreFailure);
        Assert.Equal(["/sbin/modprobe", "br_netfilter"], unit.ExecStartPre[1].Words);
        Assert.True(unit.ExecStartPre[1].IgnoreFailure);
        Assert.Equal(["/usr/local/bin/rke2", "server"], unit.ExecStart.Single().Words);
    }

    [Fact]
    public void Drop_ins_override_and_an_empty_assignment_resets_a_list()
    {
        var unit = UnitFileParser.Parse("a.service",
        [
            new UnitSource("/u/a.service", "[Service]\nExecStart=/bin/old\nEnvironment=A=1\nRestartSec=2\n"),
            new UnitSource("/u/a.service.d/10.conf", "[Service]\nExecStart=\nExecStart=/bin/new --flag\nEnvironment=\"B=two words\" C=3\n"),
        ], "h1");

        Assert.Equal(["/bin/new", "--flag"], unit.ExecStart.Single().Words);
        Assert.Equal(TimeSpan.FromSeconds(2), unit.RestartSec);
        Assert.Equal(["A=1", "B=two words", "C=3"], unit.Environment.Select(e => $"{e.Key}={e.Value}"));
        Assert.Equal(["/u/a.service.d/10.conf"], unit.DropInPaths);
    }

    [Theory]
    [InlineData("a 'b c' \"d e\"", new[] { "a", "b c", "d e" })]
    [InlineData("a\\ b c\\td", new[] { "a b", "c\td" })]
    [InlineData("x \"it's\" 'say \"hi\"'", new[] { "x", "it's", "say \"hi\"" })]
    [InlineData("  spaced   out  ", new[] { "spaced", "out" })]
    [InlineData("one\"two three\"four", new[] { "onetwo threefour" })]
    public void Command_lines_split_with_systemd_quoting(string line, string[] expected) =>
        Assert.Equal(expected, CommandLineSplitter.Split(line));

    [Fact]
    public void Unbalanced_quotes_are_rejected() =>
        Assert.Throws<FormatException>(() => CommandLineSplitter.Split("a 'b"));

    [Fact]
    public void Environment_variables_expand_like_systemd()
    {
        var command = ExecCommand.Parse("-/bin/run $OPTS ${ONE}x $$literal $MISSING")!;
        var expanded = command.Expand(new Dictionary<string, string> { ["OPTS"] = "--a  --b", ["ONE"] = "1" });

        Assert.True(command.IgnoreFailure);
        Assert.Equal(["/bin/run", "--a", "--b", "1x", "$literal"], expanded);
        Assert.Equal(["/bin/run", "$OPTS"], ExecCommand.Parse(":/bin/run $OPTS")!.Expand(new Dictionary<string, string> { ["OPTS"] = "x" }));
    }

    [Theory]
    [InlineData("5s", 5)]
    [InlineData("90", 90)]
    [InlineData("1min 30s", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData("2h", 7200)]
    public void Time_spans_parse(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SystemdTime.ParseSpan(text));

    [Fact]
    public void Zero_and_infinity_timeouts_mean_the_capped_infinity()
    {
        Assert.Equal(SystemdTime.Infinity, SystemdTime.ParseTimeout("0", TimeSpan.FromSeconds(90)));
        Assert.Equal(SystemdTime.Infinity, SystemdTime.ParseTimeout("infinity", TimeSpan.FromSeconds(90)));
        Assert.Equal("infinity", SystemdTime.FormatSpan(SystemdTime.Infinity));
        Assert.Equal("1min 30s", SystemdTime.FormatSpan(TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public void Timestamps_use_the_systemctl_show_format() =>
        Assert.Equal("Sun 2026-11-22 10:00:00 UTC", SystemdTime.FormatTimestamp(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void Journalctl_since_accepts_absolute_and_relative_times()
    {
        var now = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 9, 30, 5, TimeSpan.Zero), JournalctlCommand.ParseTime("2026-11-22 09:30:05", now));
        Assert.Equal(now.AddMinutes(-5), JournalctlCommand.ParseTime("-5min", now));
        Assert.Equal(now.AddSeconds(-30), JournalctlCommand.ParseTime("30s ago", now));
        Assert.Throws<FormatException>(() => JournalctlCommand.ParseTime("next tuesday", now));
    }

    [Fact]
    public void Bare_unit_names_get_the_service_suffix()
    {
        Assert.Equal("rke2-server.service", UnitNames.Normalize("rke2-server"));
        Assert.Equal("multi-user.target", UnitNames.Normalize("multi-user.target"));
    }
}

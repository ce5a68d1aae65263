using System.Runtime.CompilerServices;
using Rke2Converge.Cli.Output;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Playbooks;
using Spectre.Console;

namespace Rke2Converge.Tests.Plan;

public sealed class RegistrationAddressTests
{
    private const string Address = "https://rke2.example.com:9345";

    private static (PlaybookGlobals Playbook, int Line) Declared(string url)
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        var cluster = p.Cluster("prod").Version("v1.32.5+rke2r1").Token(p.Secret.FromEnv("RKE2_TOKEN"));
        cluster.RegistrationAddress(url); var line = Line();
        p.Server("s1", "10.0.0.1"); p.Server("s2", "10.0.0.2"); p.Agent("a1", "10.0.0.3");
        p.JoinOrder("s1", "s2");
        return (p, line);
    }

    [Fact]
    public void Joining_nodes_register_through_it_and_the_first_server_bootstraps_alone()
    {
        var model = Declared(Address).Playbook.ToModel();
        Assert.Empty(new ModelValidator().Validate(model));

        var desired = DesiredStateBuilder.Build(model).ToDictionary(node => node.Name);

        Assert.False(desired["s1"].Config.ContainsKey("server"));
        Assert.Equal(Address, desired["s2"].Config["server"]);
        Assert.Equal(Address, desired["a1"].Config["server"]);
    }

    [Fact]
    public void Without_it_joining_nodes_register_with_the_first_server()
    {
        var p = Declared(Address).Playbook;
        var model = p.ToModel() with { RegistrationAddress = null };

        Assert.Equal("https://10.0.0.1:9345", DesiredStateBuilder.Build(model).Single(node => node.Name == "s2").Config["server"]);
    }

    [Fact]
    public void Joining_nodes_register_with_an_ipv6_first_server_through_a_bracketed_url()
    {
        var p = new PlaybookGlobals("/playbooks/site.csx");
        p.Cluster("prod").Version("v1.32.5+rke2r1").Token(p.Secret.FromEnv("RKE2_TOKEN"));
        p.Server("s1", "fd00::1"); p.Agent("a1", "fd00::3");
        var model = p.ToModel();

        Assert.Empty(new ModelValidator().Validate(model));
        Assert.Equal("https://[fd00::1]:9345", DesiredStateBuilder.Build(model).Single(node => node.Name == "a1").Config["server"]);
    }

    [Fact]
    public void The_plan_says_where_nodes_register_and_that_the_first_server_bootstraps_alone()
    {
        var model = Declared(Address).Playbook.ToModel();
        var desired = DesiredStateBuilder.Build(model);
        var planner = new Planner(model.Name, TestModels.Templates(), TestModels.Reveal, model.RegistrationAddress);
        var plan = planner.Plan(desired, desired.ToDictionary(node => node.Name, node => TestModels.FreshHost(node.Name, node.Sysctls.Keys)));
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 1000;

        new PlanTextRenderer(console).Render(plan);

        var output = text.ToString();
        Assert.Contains($"register through the registration address {Address}", output, StringComparison.Ordinal);
        Assert.Contains("s1, bootstraps alone", output, StringComparison.Ordinal);
        Assert.Contains(Address, planner.RenderConfigFile(desired.Single(node => node.Name == "a1")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://rke2.example.com:9345", "must use https")]
    [InlineData("https://rke2.example.com", "names no port")]
    [InlineData("rke2.example.com:9345", "must use https")]
    [InlineData("https://:9345", "is not a URL")]
    [InlineData("https://rke2.example.com:9345/v1", "only scheme, host and port")]
    [InlineData("https://rke2.example.com:9345/", "only scheme, host and port")]
    [InlineData("https://user@rke2.example.com:9345", "only scheme, host and port")]
    [InlineData("https://rke2.example.com:9345\nprofile: cis", "is not a URL")]
    [InlineData("", "is not a URL")]
    public void A_bad_address_is_refused_at_its_line(string url, string expected)
    {
        var (playbook, line) = Declared(url);

        var problem = Assert.Single(new ModelValidator().Validate(playbook.ToModel()));

        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(ThisFile(), line), problem.At);
        Assert.StartsWith($"{ThisFile()}:{line}: error: registration address ", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://10.0.0.100:9345")]
    [InlineData("https://[fd00::100]:9345")]
    [InlineData("https://rke2.example.com:443")]
    public void Hosts_addresses_and_any_written_port_are_accepted(string url) =>
        Assert.Empty(new ModelValidator().Validate(Declared(url).Playbook.ToModel()));

    private static int Line([CallerLineNumber] int line = 0) => line;

    private static string ThisFile([CallerFilePath] string file = "") => file;
}

using Rke2Converge.Templates;

namespace Rke2Converge.Tests.Templates;

public sealed class TemplateRendererTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rke2c-templates-").FullName;

    private string Playbook => Path.Combine(_directory, "site.csx");

    private string NextToPlaybook(string name) => Path.Combine(_directory, "templates", name);

    private static readonly Dictionary<string, object?> SysctlModel = new()
    {
        ["node"] = "n1",
        ["cluster"] = "c",
        ["sysctls"] = new[] { new Dictionary<string, object?> { ["key"] = "vm.swappiness", ["value"] = "10" } },
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void Without_overrides_the_built_in_templates_are_used()
    {
        var templates = TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(Playbook));

        Assert.Equal(["built-in config.yaml.scriban", "built-in sysctl.conf.scriban"], templates.Sources.Values.Order(StringComparer.Ordinal));
        Assert.Equal("# Managed by rke2c: node n1 of cluster c. Applied at boot by systemd-sysctl.\nvm.swappiness = 10\n",
            templates.Render(TemplateRenderer.SysctlConf, SysctlModel));
    }

    [Fact]
    public void A_template_next_to_the_playbook_replaces_the_built_in_one_of_its_name_only()
    {
        Write(NextToPlaybook(TemplateRenderer.SysctlConf), "# {{ cluster }}/{{ node }}\n{{~ for s in sysctls ~}}\n{{ s.key }}={{ s.value }}\n{{~ end ~}}\n");

        var templates = TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(Playbook));

        Assert.Equal("# c/n1\nvm.swappiness=10\n", templates.Render(TemplateRenderer.SysctlConf, SysctlModel));
        Assert.Equal(NextToPlaybook(TemplateRenderer.SysctlConf), templates.Sources[TemplateRenderer.SysctlConf]);
        Assert.Equal("built-in config.yaml.scriban", templates.Sources[TemplateRenderer.ConfigYaml]);
    }

    [Fact]
    public void A_syntax_error_in_an_override_names_its_file_line_and_column_when_loading()
    {
        Write(NextToPlaybook(TemplateRenderer.ConfigYaml), "# header\n# {{ node }}\nname: {{ node }\n{{ config }}\n");

        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(Playbook)));

        Assert.StartsWith($"{NextToPlaybook(TemplateRenderer.ConfigYaml)}(3,15): error: ", error.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_handlebars_template_of_earlier_releases_is_refused_rather_than_silently_ignored()
    {
        Write(NextToPlaybook("config.yaml.hbs"), "# {{node}}\n{{{yaml}}}\n");

        var error = Assert.Single(Assert.Throws<TemplateException>(() => TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(Playbook))).Errors);

        Assert.Equal(NextToPlaybook("config.yaml.hbs"), error.File);
        Assert.Contains(NextToPlaybook(TemplateRenderer.ConfigYaml), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_directory_wins_over_the_playbook_s_and_must_exist()
    {
        var fromEnvironment = Path.Combine(_directory, "env");
        Write(Path.Combine(fromEnvironment, TemplateRenderer.SysctlConf), "env {{ node }}\n");
        Write(NextToPlaybook(TemplateRenderer.SysctlConf), "playbook {{ node }}\n");
        try
        {
            Environment.SetEnvironmentVariable(TemplateRenderer.DirectoryVariable, fromEnvironment);
            Assert.Equal("env n1\n", TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(Playbook)).Render(TemplateRenderer.SysctlConf, SysctlModel));

            Environment.SetEnvironmentVariable(TemplateRenderer.DirectoryVariable, Path.Combine(_directory, "missing"));
            var missing = Assert.Throws<DirectoryNotFoundException>(() => TemplateRenderer.OverrideDirectories(Playbook));
            Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TemplateRenderer.DirectoryVariable, null);
        }
    }
}

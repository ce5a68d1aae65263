using Rke2Converge.Templates;

namespace Rke2Converge.Tests.Templates;

public sealed class ScribanTemplateTests
{
    private static string Render(string text, Dictionary<string, object?> model) => ScribanTemplate.Parse("t.scriban", text).Render(model);

    [Fact]
    public void A_syntax_error_names_file_line_and_column_at_parse_time()
    {
        var template = ScribanTemplate.Parse("templates/config.yaml.scriban", "# header\nkey: {{ node }\n");

        var error = template.Errors[0];
        Assert.Equal(("templates/config.yaml.scriban", 2, 14), (error.File, error.Line, error.Column));
        Assert.StartsWith("templates/config.yaml.scriban(2,14): error: ", error.ToString(), StringComparison.Ordinal);
        var thrown = Assert.Throws<TemplateException>(() => template.Render(new Dictionary<string, object?>()));
        Assert.Equal(template.Errors, thrown.Errors);
    }

    [Fact]
    public void An_unknown_variable_is_an_error_at_its_place_not_empty_text()
    {
        var template = ScribanTemplate.Parse("t.scriban", "a\nname: {{ nod }}\n");
        Assert.Empty(template.Errors);

        var error = Assert.Single(Assert.Throws<TemplateException>(() => template.Render(new Dictionary<string, object?> { ["node"] = "n" })).Errors);

        Assert.Equal(("t.scriban", 2, 10), (error.File, error.Line, error.Column));
        Assert.Contains("nod", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rel\nprofile: cis", "rel\\nprofile: cis")]
    [InlineData("a\r\nb", "a\\r\\nb")]
    [InlineData("a\u2028b\u2029c\u0085d", "a\\u2028b\\u2029c\\u0085d")]
    [InlineData("a\u000bb\u000cc\u0000d", "a\\u000Bb\\u000Cc\\u0000d")]
    [InlineData("tab\tand ünïcode: # kept", "tab\tand ünïcode: # kept")]
    public void Values_stay_on_their_line(string value, string written) =>
        Assert.Equal($"# cluster {written}.\nend\n", Render("# cluster {{ cluster }}.\nend\n", new() { ["cluster"] = value }));

    [Fact]
    public void Verbatim_text_spans_lines_and_lists_and_maps_nest()
    {
        var model = new Dictionary<string, object?>
        {
            ["body"] = new VerbatimText("a: 1\nb: 2"),
            ["items"] = new[] { new Dictionary<string, object?> { ["key"] = "x", ["value"] = "1" } },
        };

        Assert.Equal("a: 1\nb: 2\nx=1\n", Render("{{ body }}\n{{~ for i in items ~}}\n{{ i.key }}={{ i.value }}\n{{~ end ~}}\n", model));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("0644", "\"0644\"")]
    [InlineData("true", "\"true\"")]
    [InlineData("*.example.com", "'*.example.com'")]
    [InlineData("a\nb: c", "\"a\\nb: c\"")]
    [InlineData("x\u2028y: z", "\"x\\Ly: z\"")]
    [InlineData("say \"hi\" # now", "'say \"hi\" # now'")]
    [InlineData("a, b", "\"a, b\"")]
    public void The_yaml_function_writes_one_scalar(string value, string yaml) =>
        Assert.Equal($"k: {yaml}\n", Render("k: {{ v | yaml }}\n", new() { ["v"] = value }));

    [Fact]
    public void The_yaml_function_writes_lists_and_non_strings()
    {
        var model = new Dictionary<string, object?> { ["list"] = new[] { "a", "b: c" }, ["flag"] = true, ["count"] = 3 };

        Assert.Equal("[a, 'b: c'] true 3", Render("{{ list | yaml }} {{ flag | yaml }} {{ count | yaml }}", model));
    }
}

namespace Rke2Converge.Templates;

/// <summary>
/// The templates of the files rke2c writes itself (config.yaml, the sysctl file). Each is built in, and can be
/// replaced file by file: a file of the same name in <c>$RKE2C_TEMPLATES</c> wins, then one in <c>templates/</c> next to
/// the playbook. All are parsed when loaded, so a template error is reported before any host is touched.
/// </summary>
internal sealed class TemplateRenderer
{
    public const string ConfigYaml = "config.yaml.scriban";
    public const string SysctlConf = "sysctl.conf.scriban";
    public const string DirectoryVariable = "RKE2C_TEMPLATES";

    private static readonly string[] Names = [ConfigYaml, SysctlConf];

    private readonly IReadOnlyDictionary<string, ScribanTemplate> _templates;

    private TemplateRenderer(IReadOnlyDictionary<string, ScribanTemplate> templates) => _templates = templates;

    /// <summary>The built-in templates only.</summary>
    public static TemplateRenderer BuiltIn { get; } = Load([]);

    /// <summary>Where overrides are looked for, in order: <c>$RKE2C_TEMPLATES</c> (when set), <c>templates/</c> next to the playbook.</summary>
    public static IReadOnlyList<string> OverrideDirectories(string playbookPath)
    {
        var directories = new List<string>();
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } fromEnvironment)
        {
            if (!Directory.Exists(fromEnvironment)) throw new DirectoryNotFoundException($"{DirectoryVariable}={fromEnvironment}: no such directory");
            directories.Add(fromEnvironment);
        }
        directories.Add(Path.Combine(Path.GetDirectoryName(playbookPath) ?? "", "templates"));
        return directories;
    }

    /// <summary>The built-in templates, each replaced by the first file of its name in <paramref name="overrideDirectories"/>.</summary>
    /// <exception cref="TemplateException">A template does not parse, or an override directory holds a Handlebars template of earlier releases.</exception>
    public static TemplateRenderer Load(IReadOnlyList<string> overrideDirectories)
    {
        var templates = new Dictionary<string, ScribanTemplate>(StringComparer.Ordinal);
        var errors = new List<TemplateError>();
        foreach (var name in Names)
        {
            var template = LoadOne(name, overrideDirectories, errors);
            errors.AddRange(template.Errors);
            templates[name] = template;
        }
        if (errors.Count > 0) throw new TemplateException(errors);
        return new TemplateRenderer(templates);
    }

    /// <summary>The file each template was read from, or <c>built-in</c>.</summary>
    public IReadOnlyDictionary<string, string> Sources => _templates.ToDictionary(entry => entry.Key, entry => entry.Value.File);

    /// <summary>The template <paramref name="templateName"/> as loaded (its file and text).</summary>
    public ScribanTemplate Template(string templateName) => _templates[templateName];

    /// <exception cref="TemplateException">Rendering failed (for instance an unknown variable); the error names file, line and column.</exception>
    public string Render(string templateName, IReadOnlyDictionary<string, object?> model) => _templates[templateName].Render(model);

    private static ScribanTemplate LoadOne(string name, IReadOnlyList<string> overrideDirectories, List<TemplateError> errors)
    {
        foreach (var directory in overrideDirectories)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path)) return ScribanTemplate.Parse(path, File.ReadAllText(path));
            var handlebars = Path.Combine(directory, Path.ChangeExtension(name, ".hbs"));
            if (File.Exists(handlebars))
            {
                errors.Add(new TemplateError(handlebars, 1, 1,
                    $"Handlebars templates are no longer read; rewrite it in Scriban syntax as {path} (the built-in one is used otherwise)"));
            }
        }
        return ScribanTemplate.Parse($"built-in {name}", BuiltInText(name));
    }

    private static string BuiltInText(string name)
    {
        using var stream = typeof(TemplateRenderer).Assembly.GetManifestResourceStream($"Rke2Converge.Templates.{name}")
            ?? throw new InvalidOperationException($"built-in template {name} is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

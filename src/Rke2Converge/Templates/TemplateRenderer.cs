using System.Collections.Concurrent;
using HandlebarsDotNet;

namespace Rke2Converge.Templates;

/// <summary>
/// Renders the files rke2c writes from the Handlebars templates in the <c>templates/</c> folder, so operators can
/// change headers and layout without rebuilding. Templates are compiled once per process.
/// </summary>
public sealed class TemplateRenderer
{
    public const string ConfigYaml = "config.yaml.hbs";
    public const string SysctlConf = "sysctl.conf.hbs";

    private readonly string _directory;
    private readonly IHandlebars _handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
    private readonly ConcurrentDictionary<string, HandlebarsTemplate<object, object>> _compiled = new(StringComparer.Ordinal);

    public TemplateRenderer(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"template directory {directory} does not exist");
        _directory = directory;
    }

    /// <summary>
    /// The templates folder: $RKE2C_TEMPLATES, else the copy next to the rke2c binary, else the repository's
    /// <c>templates/</c> found by walking up from the current directory.
    /// </summary>
    public static TemplateRenderer FromDefaultLocation()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("RKE2C_TEMPLATES");
        if (!string.IsNullOrEmpty(fromEnvironment)) return new TemplateRenderer(fromEnvironment);
        var besideBinary = Path.Combine(AppContext.BaseDirectory, "templates");
        if (Directory.Exists(besideBinary)) return new TemplateRenderer(besideBinary);
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "templates");
            if (File.Exists(Path.Combine(candidate, ConfigYaml))) return new TemplateRenderer(candidate);
        }
        throw new DirectoryNotFoundException("no templates folder found: set RKE2C_TEMPLATES");
    }

    public string Render(string templateName, object model) => Compile(templateName)(model);

    private HandlebarsTemplate<object, object> Compile(string templateName) =>
        _compiled.GetOrAdd(templateName, name =>
        {
            var path = Path.Combine(_directory, name);
            if (!File.Exists(path)) throw new FileNotFoundException($"template {path} does not exist", path);
            return _handlebars.Compile(File.ReadAllText(path));
        });
}

using System.Collections;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Rke2Converge.Templates;

/// <summary>
/// A parsed Scriban template. Parse errors are kept with their place (<see cref="Errors"/>) so they can be shown before
/// any host is touched; rendering fails with the place too. Output is safe by construction: an expression's value
/// cannot leave its line (<see cref="SingleLineContext"/>); <c>{{ value | yaml }}</c> writes a YAML scalar.
/// Unknown variables are errors, not empty text.
/// </summary>
internal sealed class ScribanTemplate
{
    private const int LoopLimit = 100_000;
    private readonly Template _template;

    private ScribanTemplate(string file, string text, Template template, IReadOnlyList<TemplateError> errors)
    {
        File = file;
        Text = text;
        _template = template;
        Errors = errors;
    }

    /// <summary>The template's file as errors name it.</summary>
    public string File { get; }

    /// <summary>The template's own text, as read.</summary>
    public string Text { get; }

    public IReadOnlyList<TemplateError> Errors { get; }

    public static ScribanTemplate Parse(string file, string text)
    {
        var template = Template.Parse(text, file);
        var errors = template.Messages
            .Where(message => message.Type == ParserMessageType.Error)
            .Select(message => At(file, message.Span, message.Message))
            .ToList();
        return new ScribanTemplate(file, text, template, errors);
    }

    /// <summary>Renders with the model's entries as top-level variables (dictionaries and lists nest).</summary>
    /// <exception cref="TemplateException">The template has parse errors, or failed while rendering.</exception>
    public string Render(IReadOnlyDictionary<string, object?> model)
    {
        if (Errors.Count > 0) throw new TemplateException(Errors);
        var globals = new ScriptObject();
        globals.Import("yaml", new Func<object?, string>(YamlScalar.Of));
        foreach (var (name, value) in model) globals.SetValue(name, ToScript(value), readOnly: true);
        var context = new SingleLineContext { StrictVariables = true, LoopLimit = LoopLimit };
        context.PushGlobal(globals);
        try
        {
            return _template.Render(context);
        }
        catch (ScriptRuntimeException error)
        {
            throw new TemplateException([At(File, error.Span, error.OriginalMessage)]);
        }
    }

    private static object? ToScript(object? value) => value switch
    {
        null or string or VerbatimText => value,
        IDictionary dictionary => ToScriptObject(dictionary),
        IEnumerable items => new ScriptArray(items.Cast<object?>().Select(ToScript)),
        _ => value,
    };

    private static ScriptObject ToScriptObject(IDictionary dictionary)
    {
        var result = new ScriptObject();
        foreach (DictionaryEntry entry in dictionary) result.SetValue(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "", ToScript(entry.Value), readOnly: true);
        return result;
    }

    private static TemplateError At(string file, SourceSpan span, string message) =>
        new(file, span.Start.Line + 1, span.Start.Column + 1, message);
}

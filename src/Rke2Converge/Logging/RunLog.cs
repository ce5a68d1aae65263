using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace Rke2Converge.Logging;

/// <summary>One run's logging: human lines on stderr, a structured JSON-lines file per run, both redacted.</summary>
public static class RunLog
{
    /// <summary>Marks events the CLI has already shown the user in its own words: they go to the file only.</summary>
    public const string AlreadyPrinted = "AlreadyPrinted";

    public static string DefaultDirectory()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state)) state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(state, "rke2c", "logs");
    }

    /// <summary>Creates the logger and returns the path of this run's log file.</summary>
    public static (Serilog.Core.Logger Logger, string FilePath) Create(string command, string? directory, LogEventLevel consoleLevel, SecretRedactor redactor)
    {
        directory ??= DefaultDirectory();
        Directory.CreateDirectory(directory);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        var path = Path.Combine(directory, $"rke2c-{stamp}-{command}-{Environment.ProcessId}.jsonl");
        var console = new MessageTemplateTextFormatter("{Level:w}: {Message:lj}{NewLine}{Exception}", CultureInfo.InvariantCulture);
        var logger = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .Enrich.WithProperty("Command", command)
            .WriteTo.Logger(toConsole => toConsole
                .Filter.ByExcluding(Matching.WithProperty(AlreadyPrinted))
                .WriteTo.Console(new RedactingFormatter(console, redactor), restrictedToMinimumLevel: consoleLevel, standardErrorFromLevel: LogEventLevel.Verbose))
            .WriteTo.File(new RedactingFormatter(new JsonFormatter(renderMessage: true), redactor), path)
            .CreateLogger();
        return (logger, path);
    }
}

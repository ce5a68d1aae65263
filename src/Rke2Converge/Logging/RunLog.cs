using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace Rke2Converge.Logging;

/// <summary>One run's logging: human lines on stderr, a structured JSON-lines file per run, both redacted.</summary>
internal static class RunLog
{
    /// <summary>Marks events the CLI has already shown the user in its own words: they go to the file only.</summary>
    public const string AlreadyPrinted = "AlreadyPrinted";

    /// <summary>How many run logs a directory keeps when neither --keep-logs nor RKE2C_KEEP_LOGS says.</summary>
    public const int DefaultKeep = 20;

    public const string KeepVariable = "RKE2C_KEEP_LOGS";

    private const string FilePrefix = "rke2c-";

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
        var path = Path.Combine(directory, $"{FilePrefix}{stamp}-{command}-{Environment.ProcessId}.jsonl");
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

    /// <summary>The number of run logs to keep: the option, else a positive RKE2C_KEEP_LOGS, else <see cref="DefaultKeep"/>.</summary>
    public static int KeepCount(int? option)
    {
        if (option is > 0) return option.Value;
        var variable = Environment.GetEnvironmentVariable(KeepVariable);
        return int.TryParse(variable, NumberStyles.None, CultureInfo.InvariantCulture, out var keep) && keep > 0 ? keep : DefaultKeep;
    }

    /// <summary>
    /// Deletes all but the newest <paramref name="keep"/> run logs in the directory (names start with a UTC stamp, so
    /// name order is age order) and returns the deleted paths. Other files are left alone; a file that cannot be
    /// deleted is skipped.
    /// </summary>
    public static IReadOnlyList<string> Prune(string directory, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        if (!Directory.Exists(directory)) return [];
        var deleted = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, FilePrefix + "*.jsonl").Order(StringComparer.Ordinal).Reverse().Skip(keep))
        {
            try
            {
                File.Delete(file);
                deleted.Add(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return deleted;
    }
}

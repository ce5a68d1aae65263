using System.Globalization;
using System.Text;

namespace Rke2Sim.Logging;

/// <summary>Writes log lines the way RKE2 does (logrus text formatter) to stderr, which the journal captures.</summary>
public static class LogrusLog
{
    private static readonly Lock Gate = new();

    public static Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public static TextWriter Output { get; set; } = Console.Error;

    public static void Info(string message) => Write("info", message);

    public static void Warn(string message) => Write("warning", message);

    public static void Error(string message) => Write("error", message);

    public static void Fatal(string message) => Write("fatal", message);

    public static string Format(DateTimeOffset time, string level, string message) =>
        $"time=\"{time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\" level={level} msg=\"{Escape(message)}\"";

    public static void Write(string level, string message)
    {
        var line = Format(Clock(), level, message);
        lock (Gate)
        {
            Output.WriteLine(line);
            Output.Flush();
        }
    }

    /// <summary>Raw line, for output that does not come from logrus (Go panics, klog).</summary>
    public static void Raw(string line)
    {
        lock (Gate)
        {
            Output.WriteLine(line);
            Output.Flush();
        }
    }

    private static string Escape(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (var c in message)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }
}

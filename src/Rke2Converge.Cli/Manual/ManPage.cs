using System.CommandLine;
using System.Reflection;
using System.Text;

namespace Rke2Converge.Cli.Manual;

/// <summary>
/// rke2c(1) as roff (man(7) macros), written from the command tree: every visible command with its arguments,
/// description and options, so the manual cannot drift from <c>--help</c>.
/// </summary>
internal static class ManPage
{
    public static string Write(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var version = typeof(ManPage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "";
        var page = new StringBuilder();
        page.AppendLine($".TH RKE2C 1 \"\" \"rke2c {Escape(version)}\" \"User Commands\"");
        page.AppendLine(".SH NAME");
        page.AppendLine($"rke2c \\- {Escape(root.Description?.Replace("rke2c: ", "", StringComparison.Ordinal) ?? "")}");
        page.AppendLine(".SH SYNOPSIS");
        page.AppendLine(".B rke2c");
        page.AppendLine("\\fICOMMAND\\fR [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]");
        page.AppendLine(".SH DESCRIPTION");
        page.AppendLine("rke2c reads every host of a C# script playbook over SSH, shows what differs, and changes nodes one at a time,");
        page.AppendLine("each behind readiness gates, stopping the line when a gate fails. Exit codes: 0 success or no drift,");
        page.AppendLine("1 error, refusal or failure, 2 drift (plan) or changes a dry run would make, 130 interrupted.");
        page.AppendLine(".SH COMMANDS");
        foreach (var command in Visible(root)) Describe(page, command, "rke2c");
        page.AppendLine(".SH ENVIRONMENT");
        page.AppendLine(".TP\n.B NO_COLOR\nAny non-empty value: no colour or other escape sequences.");
        page.AppendLine(".TP\n.B RKE2C_EVAL_TIMEOUT\nHow long a playbook may run, in seconds (default 30).");
        page.AppendLine(".TP\n.B RKE2C_KEEP_LOGS\nHow many run logs to keep (default 20).");
        page.AppendLine(".SH SEE ALSO");
        page.AppendLine("The documentation pages under /usr/share/doc/rke2c/ and https://docs.rke2.io/.");
        return page.ToString();
    }

    private static IEnumerable<Command> Visible(Command command) => command.Subcommands.Where(sub => !sub.Hidden);

    private static void Describe(StringBuilder page, Command command, string parent)
    {
        var name = $"{parent} {command.Name}";
        var arguments = string.Concat(command.Arguments.Where(argument => !argument.Hidden).Select(argument => $" {(argument.HelpName ?? argument.Name).ToUpperInvariant()}"));
        page.AppendLine($".SS \"{Escape(name + arguments)}\"");
        page.AppendLine(Escape(command.Description ?? ""));
        foreach (var argument in command.Arguments.Where(argument => !argument.Hidden))
        {
            page.AppendLine(".TP");
            page.AppendLine($".I {Escape((argument.HelpName ?? argument.Name).ToUpperInvariant())}");
            page.AppendLine(Escape(argument.Description ?? ""));
        }
        foreach (var option in command.Options.Where(option => !option.Hidden))
        {
            page.AppendLine(".TP");
            var names = string.Join(", ", new[] { option.Name }.Concat(option.Aliases).Select(alias => $"\\fB{Escape(alias)}\\fR"));
            var value = option.HelpName is { } help ? $" \\fI{Escape(help)}\\fR" : "";
            page.AppendLine(names + value);
            page.AppendLine(Escape(option.Description ?? ""));
        }
        foreach (var sub in Visible(command)) Describe(page, sub, name);
    }

    /// <summary>Text as roff shows it literally: backslashes and dashes escaped, no line taken for a request.</summary>
    private static string Escape(string text)
    {
        var escaped = text.Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal);
        return string.Join('\n', escaped.Split('\n').Select(line => line.StartsWith('.') || line.StartsWith('\'') ? "\\&" + line : line));
    }
}

using System.Globalization;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

internal static class SysctlValue
{
    /// <summary>The text written to /etc/sysctl.d: numbers in invariant culture, booleans as 1 or 0.</summary>
    public static string From(object? value, SourceLocation at) => value switch
    {
        null => throw new PlaybookException("sysctl value must not be null", at),
        string text => text,
        bool flag => flag ? "1" : "0",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

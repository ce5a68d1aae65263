using System.Globalization;

namespace Rke2Converge.Model.Validation;

/// <summary>A normalised config value as comparable, printable text; secrets print their source, never their value.</summary>
internal static class ConfigValueText
{
    public static string Of(object? value) => value switch
    {
        null => "(unset)",
        string text => text,
        bool flag => flag ? "true" : "false",
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        SecretSource secret => secret.Describe(),
        ConfigMap map => "{" + string.Join(", ", map.Select(pair => $"{pair.Key}: {Of(pair.Value)}")) + "}",
        IEnumerable<object?> list => "[" + string.Join(", ", list.Select(Of)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

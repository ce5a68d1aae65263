using System.Text.RegularExpressions;

namespace Rke2Converge.Templates;

/// <summary>
/// RKE2 reads config.yaml with go-yaml v2 (YAML 1.1 resolution): written plain, these strings would come back as a
/// boolean, null, integer or float (<c>yes</c>, <c>off</c>, <c>~</c>, <c>0x10</c>, <c>1e3</c>), so they must be quoted.
/// </summary>
internal static partial class GoYamlPlainScalar
{
    public static bool ReadsAsNonString(string text) => NonString().IsMatch(text);

    // go-yaml v2 resolve.go: the YAML 1.1 bool/null table, ints in any base ('_' ignored), yamlStyleFloat, .inf/.nan, merge.
    [GeneratedRegex(@"\A(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|<<|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+|[0-9][0-9_]*)|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)?\z")]
    private static partial Regex NonString();
}

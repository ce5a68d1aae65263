namespace Rke2Converge.Playbooks;

/// <summary>
/// Why a playbook could not be loaded. Compile errors print like the C# compiler's
/// (<c>site.csx(12,5): error CS1002: ; expected</c>); runtime errors as <c>site.csx:12: error: ...</c>.
/// </summary>
internal sealed record PlaybookDiagnostic(string? File, int? Line, int? Column, string? Code, string Message)
{
    public override string ToString()
    {
        var code = Code is null ? "error" : $"error {Code}";
        if (File is null) return $"{code}: {Message}";
        if (Line is null) return $"{File}: {code}: {Message}";
        return Column is null ? $"{File}:{Line}: {code}: {Message}" : $"{File}({Line},{Column}): {code}: {Message}";
    }
}

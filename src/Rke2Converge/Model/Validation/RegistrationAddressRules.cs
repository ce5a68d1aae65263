namespace Rke2Converge.Model.Validation;

/// <summary>A registration address is an https URL naming a host and a port (the supervisor's, usually 9345), nothing more.</summary>
internal static class RegistrationAddressRules
{
    private const string Example = "such as https://rke2.example.com:9345";

    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        if (model.RegistrationAddress is not { } text) return;
        var at = model.Sites.RegistrationAddress ?? model.Sites.Cluster;
        if (Problem(text) is { } problem)
        {
            problems.Add(ValidationProblem.Error($"registration address '{text}' {problem}", at));
        }
    }

    private static string? Problem(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || text.Any(char.IsWhiteSpace)) return $"is not a URL; expected one {Example}";
        if (url.Scheme != Uri.UriSchemeHttps) return $"must use https (the supervisor only speaks TLS), {Example}";
        if (string.IsNullOrEmpty(url.Host)) return $"names no host; expected one {Example}";
        if (!HasExplicitPort(text)) return $"names no port; the supervisor listens on 9345, {Example}";
        if (url.UserInfo.Length > 0 || url.AbsolutePath != "/" || text.EndsWith('/') || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            return $"must be only scheme, host and port, {Example}";
        }
        return null;
    }

    // Uri fills in 443 for https; only a port written in the text counts.
    private static bool HasExplicitPort(string text)
    {
        var authority = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/', '?', '#')[0];
        return authority.LastIndexOf(':') > authority.LastIndexOf(']');
    }
}

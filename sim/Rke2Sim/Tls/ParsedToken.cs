namespace Rke2Sim.Tls;

/// <summary>Parses what operators put in <c>token:</c>: a bare secret or a full <c>K10&lt;hash&gt;::server:&lt;secret&gt;</c> token.</summary>
public sealed record ParsedToken(string Secret, string? CaHash)
{
    public static ParsedToken Parse(string token)
    {
        if (token.StartsWith("K10", StringComparison.Ordinal) && token.IndexOf("::", StringComparison.Ordinal) is var sep and > 0)
        {
            var credentials = token[(sep + 2)..];
            var colon = credentials.IndexOf(':');
            return new ParsedToken(colon >= 0 ? credentials[(colon + 1)..] : credentials, token[..sep]);
        }
        return new ParsedToken(token, null);
    }
}

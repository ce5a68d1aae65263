using System.Text.Encodings.Web;

namespace Rke2Converge.Logging;

/// <summary>
/// Knows every secret value resolved in this run and masks it in any text, in plain and JSON-escaped form.
/// Secrets are registered the moment they are resolved, before anything could log them.
/// </summary>
public sealed class SecretRedactor
{
    private readonly Lock _gate = new();
    private readonly List<string> _secrets = [];

    public void Register(string secret)
    {
        if (secret.Length < 4) return;
        lock (_gate)
        {
            foreach (var form in new[] { secret, JavaScriptEncoder.Default.Encode(secret) })
            {
                if (!_secrets.Contains(form)) _secrets.Add(form);
            }
            _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        }
    }

    public string Redact(string text)
    {
        lock (_gate)
        {
            foreach (var secret in _secrets) text = text.Replace(secret, Model.SecretValue.Mask, StringComparison.Ordinal);
        }
        return text;
    }
}

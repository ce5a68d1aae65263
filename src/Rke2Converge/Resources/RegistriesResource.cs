using System.Text.RegularExpressions;
using Rke2Converge.Model;
using YamlDotNet.Serialization;

namespace Rke2Converge.Resources;

/// <summary>One <c>mirrors:</c> entry: where pulls of <see cref="Registry"/> go instead, and optional image-name rewrites.</summary>
internal sealed record RegistryMirror(string Registry, IReadOnlyList<string> Endpoints, IReadOnlyDictionary<string, string> Rewrites);

/// <summary>One <c>configs:</c> entry: credentials (plain text or Secret) and TLS files for a registry host.</summary>
internal sealed record RegistryConfig(
    string Host, object? Username, object? Password, object? Token, string? CaFile, string? CertFile, string? KeyFile, bool InsecureSkipVerify);

/// <summary>
/// <c>Registries().Mirror(...).Config(...)</c>: a typed <c>/etc/rancher/rke2/registries.yaml</c> on every node (servers
/// pull too). RKE2 reads it only at startup, so a change restarts the service. The file holds credentials: mode 0600;
/// it is read back in facts (its credentials registered with the run's redactor as they are parsed) and diffed entry by
/// entry, mirrors, endpoints and rewrites in clear, every credential as <c>(sensitive)</c>.
/// </summary>
public sealed class RegistriesResource : FileBackedResource
{
    /// <summary>Declared by <c>Registries()</c> in a playbook, not constructed.</summary>
    internal RegistriesResource()
    {
    }

    internal const string Path = "/etc/rancher/rke2/registries.yaml";

    private readonly List<RegistryMirror> _mirrors = [];
    private readonly List<RegistryConfig> _configs = [];

    internal override string Key => "registries";

    internal override string Kind => "registries";

    internal override bool IsSensitive => Secrets.Any() || _configs.Any(c => c.Password is not null || c.Token is not null);

    internal override IEnumerable<SecretSource> Secrets =>
        _configs.SelectMany(c => new[] { c.Username, c.Password, c.Token }).OfType<SecretSource>();

    /// <summary>Pulls of <paramref name="registry"/> (such as <c>docker.io</c>, or <c>*</c>) go to the endpoints, in order.</summary>
    /// <example>
    /// <code>
    /// Registries().Mirror("docker.io", new[] { "https://mirror.example.com" },
    ///     rewrite: new Dictionary&lt;string, string&gt; { ["^library/(.*)"] = "mirrored/$1" });
    /// </code>
    /// </example>
    public RegistriesResource Mirror(string registry, IEnumerable<string> endpoints, IReadOnlyDictionary<string, string>? rewrite = null)
    {
        _mirrors.RemoveAll(m => m.Registry == registry);
        _mirrors.Add(new RegistryMirror(registry, [.. endpoints ?? []], rewrite ?? new Dictionary<string, string>()));
        return this;
    }

    /// <summary>Credentials and TLS for one registry host (a mirror endpoint's host:port, say).</summary>
    /// <example>
    /// <code>
    /// Registries().Config("mirror.example.com", username: "pull", password: Secret.FromEnv("MIRROR_PASSWORD"));
    /// </code>
    /// </example>
    public RegistriesResource Config(
        string host, object? username = null, object? password = null, object? token = null,
        string? caFile = null, string? certFile = null, string? keyFile = null, bool insecureSkipVerify = false)
    {
        _configs.RemoveAll(c => c.Host == host);
        _configs.Add(new RegistryConfig(host, username, password, token, caFile, certFile, keyFile, insecureSkipVerify));
        return this;
    }

    internal override string PathFor(NodeSpec node) => Path;

    internal override IEnumerable<string> Validate()
    {
        if (_mirrors.Count == 0 && _configs.Count == 0) yield return "registries: declares no mirror and no config";
        foreach (var mirror in _mirrors)
        {
            if (string.IsNullOrWhiteSpace(mirror.Registry)) yield return "registries: a mirror has an empty registry name";
            if (mirror.Endpoints.Count == 0) yield return $"registries: mirror {mirror.Registry} has no endpoint";
            foreach (var endpoint in mirror.Endpoints)
            {
                if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    yield return $"registries: mirror {mirror.Registry} endpoint '{endpoint}' is not an http(s) URL";
                }
            }
            foreach (var pattern in mirror.Rewrites.Keys)
            {
                if (RegexProblem(pattern) is { } problem) yield return $"registries: mirror {mirror.Registry} rewrite '{pattern}': {problem}";
            }
        }
        foreach (var config in _configs)
        {
            if (string.IsNullOrWhiteSpace(config.Host) || config.Host.Contains('/', StringComparison.Ordinal))
            {
                yield return $"registries: config host '{config.Host}' must be host or host:port";
            }
            if ((config.Username is null) != (config.Password is null)) yield return $"registries: config {config.Host} needs both username and password";
            if (config.Password is string) yield return $"registries: config {config.Host} password must be a Secret (Secret.FromEnv or Secret.FromFile), not plain text";
            if ((config.CertFile is null) != (config.KeyFile is null)) yield return $"registries: config {config.Host} needs both certFile and keyFile";
            foreach (var file in new[] { config.CaFile, config.CertFile, config.KeyFile }.OfType<string>())
            {
                foreach (var problem in ResourcePaths.Check(file, $"registries: config {config.Host} TLS file")) yield return problem;
            }
        }
    }

    private protected override bool ContentInFacts => true;

    private protected override DesiredFile Desired(ResourceContext context) =>
        new(Path, Render(context), "0600", Sensitive: IsSensitive) { ContentDiff = Plan.Diff.StructuredFileDiff.Yaml };

    private protected override ServiceEffect EffectOf(ResourceContext context) => ServiceEffect.Restart;

    /// <summary>The file as RKE2 documents it (docs.rke2.io/install/private_registry).</summary>
    internal string Render(ResourceContext context)
    {
        var document = new Dictionary<string, object>(StringComparer.Ordinal);
        if (_mirrors.Count > 0)
        {
            document["mirrors"] = _mirrors.ToDictionary(m => m.Registry, m =>
            {
                var entry = new Dictionary<string, object> { ["endpoint"] = m.Endpoints.ToList() };
                if (m.Rewrites.Count > 0) entry["rewrite"] = new Dictionary<string, string>(m.Rewrites);
                return (object)entry;
            });
        }
        if (_configs.Count > 0)
        {
            document["configs"] = _configs.ToDictionary(c => c.Host, c =>
            {
                var entry = new Dictionary<string, object>();
                var auth = new Dictionary<string, string>();
                if (c.Username is not null) auth["username"] = context.Text(c.Username);
                if (c.Password is not null) auth["password"] = context.Text(c.Password);
                if (c.Token is not null) auth["identity_token"] = context.Text(c.Token);
                if (auth.Count > 0) entry["auth"] = auth;
                var tls = new Dictionary<string, object>();
                if (c.CaFile is not null) tls["ca_file"] = c.CaFile;
                if (c.CertFile is not null) tls["cert_file"] = c.CertFile;
                if (c.KeyFile is not null) tls["key_file"] = c.KeyFile;
                if (c.InsecureSkipVerify) tls["insecure_skip_verify"] = true;
                if (tls.Count > 0) entry["tls"] = tls;
                return (object)entry;
            });
        }
        return "# Managed by rke2c.\n" + new SerializerBuilder().Build().Serialize(document);
    }

    private static string? RegexProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException error)
        {
            return error.Message;
        }
    }
}

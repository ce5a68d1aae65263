using System.Runtime.CompilerServices;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>The cluster's identity: <c>Cluster("prod").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"))</c>.</summary>
public sealed class ClusterDeclaration
{
    private readonly PlaybookContext _context;

    internal ClusterDeclaration(PlaybookContext context) => _context = context;

    internal string Name { get; set; } = "";

    internal string? VersionText { get; private set; }

    internal SecretSource? TokenSource { get; private set; }

    internal string? RegistrationAddressText { get; private set; }

    /// <summary>
    /// The RKE2 release every node runs, as RKE2 tags it (<c>v1.32.5+rke2r1</c>). Changing it is an upgrade: servers
    /// first, one at a time, then agents, each behind its gates.
    /// </summary>
    /// <example>
    /// <code>
    /// Cluster("prod").Version("v1.32.5+rke2r1");
    /// </code>
    /// </example>
    public ClusterDeclaration Version(string version, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        VersionText = version;
        _context.Record(DeclarationSites.VersionKey, _context.At(file, line));
        return this;
    }

    /// <summary>
    /// The fixed address joining nodes register through, such as a load balancer or VIP in front of the servers'
    /// supervisor port: <c>RegistrationAddress("https://rke2.example.com:9345")</c>. The first server still bootstraps alone.
    /// </summary>
    /// <example>
    /// <code>
    /// Cluster("prod").RegistrationAddress("https://rke2.example.com:9345");
    /// </code>
    /// </example>
    public ClusterDeclaration RegistrationAddress(string url, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        RegistrationAddressText = url ?? "";
        _context.Record(DeclarationSites.RegistrationAddressKey, _context.At(file, line));
        return this;
    }

    /// <summary>
    /// The cluster's join token, as a secret reference (never a literal): written into every node's config.yaml and
    /// shown nowhere.
    /// </summary>
    /// <example>
    /// <code>
    /// Cluster("prod").Token(Secret.FromFile("secrets/token"));
    /// </code>
    /// </example>
    public ClusterDeclaration Token(SecretSource token, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        TokenSource = token ?? throw new PlaybookException("the token must be a secret: Secret.FromEnv(...) or Secret.FromFile(...)", at);
        _context.Record(DeclarationSites.TokenKey, at);
        return this;
    }
}

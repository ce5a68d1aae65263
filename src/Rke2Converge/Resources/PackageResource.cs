using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Resources;

/// <summary>Whether the package database lists the package as installed.</summary>
public sealed record PackageState(bool Installed);

/// <summary>
/// <c>Package(name)</c> / <c>.Absent()</c>: through the host's package manager, chosen from the OS the facts report
/// (<c>ID</c> in os-release): apt on Debian and Ubuntu, dnf on the Red Hat family, zypper on SUSE.
/// The fact asks dpkg or rpm, whichever the host has.
/// </summary>
public sealed class PackageResource(string name) : Resource<PackageState>
{
    private static readonly string[] AptFamily = ["debian", "ubuntu", "linuxmint", "pop", "raspbian"];
    private static readonly string[] DnfFamily = ["rhel", "centos", "rocky", "almalinux", "fedora", "ol", "amzn", "eurolinux"];
    private static readonly string[] ZypperFamily = ["sles", "sle-micro", "opensuse-leap", "opensuse-tumbleweed", "opensuse-microos"];

    internal string Name { get; } = name;

    internal bool IsAbsent { get; private set; }

    internal override string Key => $"package {Name}";

    internal override string Kind => "package";

    /// <summary>
    /// The package must not be installed; an installed one is removed through the package manager.
    /// </summary>
    /// <example>
    /// <code>
    /// Package("firewalld").Absent();
    /// </code>
    /// </example>
    public PackageResource Absent()
    {
        IsAbsent = true;
        return this;
    }

    internal override IEnumerable<string> Validate() => ResourcePaths.CheckName(Name, Key);

    internal override string FactFragment(NodeSpec node)
    {
        var name = ShellQuote.Quote(Name);
        return $$"""
            if command -v dpkg-query >/dev/null 2>&1; then
              case "$(dpkg-query -W -f='${Status}' {{name}} 2>/dev/null)" in *" installed") rec installed 1 ;; *) rec installed 0 ;; esac
            elif command -v rpm >/dev/null 2>&1; then
              if rpm -q {{name}} >/dev/null 2>&1; then rec installed 1; else rec installed 0; fi
            else rec installed 0; fi
            """;
    }

    private protected override PackageState Parse(ResourceRecords records)
    {
        var record = records.Next("installed");
        return records.Field(record, 1) switch
        {
            "1" => new PackageState(true),
            "0" => new PackageState(false),
            var other => throw records.Error($"installed flag '{other}' is neither 0 nor 1"),
        };
    }

    private protected override ResourceChange? Diff(PackageState actual, ResourceContext context)
    {
        if (actual.Installed != IsAbsent) return null;
        var command = Command(context.Facts.OsId, install: !IsAbsent);
        if (command is null)
        {
            context.Problem($"{Key}: rke2c does not know the package manager of OS '{context.Facts.OsId}' (apt, dnf and zypper families are supported)");
            return null;
        }
        return new ResourceChange(Kind, Key, IsAbsent ? "remove" : "install", [], ServiceEffect.None) { Steps = [command] };
    }

    /// <summary>The install or remove command for the OS, or null when rke2c does not know its package manager.</summary>
    internal RemoteCommand? Command(string osId, bool install)
    {
        string? script = osId switch
        {
            _ when AptFamily.Contains(osId) => install
                ? "export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q \"$1\" || { apt-get update -q && apt-get install -y -q \"$1\"; }"
                : "export DEBIAN_FRONTEND=noninteractive; apt-get remove -y -q \"$1\"",
            _ when DnfFamily.Contains(osId) => install ? "dnf install -y \"$1\"" : "dnf remove -y \"$1\"",
            _ when ZypperFamily.Contains(osId) => install ? "zypper --non-interactive install \"$1\"" : "zypper --non-interactive remove \"$1\"",
            _ => null,
        };
        return script is null ? null : new RemoteCommand($"{(install ? "install" : "remove")} package {Name}", script)
        {
            Arguments = [Name],
            Timeout = TimeSpan.FromMinutes(10),
        };
    }
}

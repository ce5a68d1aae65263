namespace Rke2Converge.Cli.Scaffold;

/// <summary>What <c>rke2c init</c> writes: a playbook that validates as is, split the way real ones grow.</summary>
internal static class PlaybookScaffold
{
    /// <summary>Each file by its path relative to the target directory, in the order they are written.</summary>
    public static readonly IReadOnlyList<(string Path, string Content)> Files =
    [
        ("site.csx", """
            // The cluster. Check it with `rke2c validate site.csx`, see what would change with `rke2c plan site.csx`,
            // converge it with `rke2c apply site.csx`. Settings every node shares are in common.csx.
            #r ".rke2c/Rke2Converge.dll"
            #load "common.csx"
            // The #r line and these usings are for your editor (docs/getting-started.md, "Editor support"); rke2c needs neither.
            using Rke2Converge.Model;
            using static Rke2Converge.Playbooks.Editor.PlaybookApi;

            Server("server-1", "10.0.0.11");
            Server("server-2", "10.0.0.12");
            Server("server-3", "10.0.0.13");
            Agent("agent-1", "10.0.0.21");
            JoinOrder("server-1", "server-2", "server-3");   // the first bootstraps, the others join one at a time

            """),
        ("common.csx", """
            // Shared by every node (and by other playbooks that #load it, e.g. a staging.csx).
            #r ".rke2c/Rke2Converge.dll"
            using Rke2Converge.Model;
            using static Rke2Converge.Playbooks.Editor.PlaybookApi;

            Cluster("my-cluster").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
            Ssh(user: "root");                                  // or Ssh(user: "ops", key: "~/.ssh/id_ed25519"): sudo without a password
            // Ssh(transport: SshTransport.SshNet);             // in-process SSH.NET instead of the ssh client (docs/ssh.md)
            KnownHosts("known_hosts");                          // host keys are always verified: fill this file first
            Artifacts.FromMirror("https://github.com/rancher/rke2/releases/download");   // or Artifacts.FromDirectory("/srv/rke2")

            Config["protect-kernel-defaults"] = true;           // rke2c sets the kernel flags the kubelet then checks
            Sysctl("vm.swappiness", 10);

            """),
        ("known_hosts", """
            # The SSH host key of every node, one line per key; rke2c refuses a host whose key is not here.
            # Fill it from each node's address, e.g.:
            #   ssh-keyscan -t ed25519 10.0.0.11 10.0.0.12 10.0.0.13 10.0.0.21 >> known_hosts
            # then compare each key's fingerprint (ssh-keygen -lf known_hosts) with the host's own
            # (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub, run on its console) before you trust it.

            """),
        (".gitignore", """
            # Secrets stay out of git: read them with Secret.FromEnv("NAME") or Secret.FromFile("secrets/NAME").
            secrets/
            # The engine's copy for editors; `rke2c init` writes it again for the installed version.
            .rke2c/

            """),
        ("omnisharp.json", """
            {
              "script": {
                "enabled": true,
                "defaultTargetFramework": "net10.0"
              }
            }

            """),
        (".vscode/settings.json", """
            {
              "dotnet.server.useOmnisharp": true
            }

            """),
        ("templates/README.md", """
            # Template overrides

            A file here named like one of rke2c's built-in templates (`config.yaml.scriban`, `sysctl.conf.scriban`)
            replaces it for every playbook in the directory above. Empty: the built-in templates are used.

            """),
    ];

    /// <summary>Writes every file that does not exist yet; returns each path with whether it was created (false: kept).</summary>
    public static IReadOnlyList<(string Path, bool Created)> WriteTo(string directory)
    {
        var written = new List<(string, bool)>();
        foreach (var (relative, content) in Files)
        {
            var path = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                using var writer = new StreamWriter(stream);
                writer.Write(content);
                written.Add((relative, true));
            }
            catch (IOException) when (File.Exists(path) || Directory.Exists(path))
            {
                written.Add((relative, false));
            }
        }
        return written;
    }
}

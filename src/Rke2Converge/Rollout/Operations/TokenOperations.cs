using System.Text;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

internal static class TokenOperations
{
    /// <summary>
    /// <c>rke2 token rotate</c> on a running server, to the token arriving on stdin (never on a command line rke2c
    /// starts; rke2 itself takes it as <c>--new-token</c> and hides its arguments from ps). The current token is the
    /// server's own <c>server/token</c>, as rke2 reads it without <c>--token</c>. A server already holding the new token
    /// is left alone, so a rotation cut off after this step resumes.
    /// </summary>
    public static RemoteCommand Rotate(string newToken) =>
        new("rke2 token rotate (the new token on stdin)", Rke2Paths.ResolveRke2Argument + """
            set -eu
            IFS= read -r new || { echo "the new token did not arrive whole (connection lost?); nothing was rotated" >&2; exit 1; }
            [ -n "$new" ] || { echo "empty token; nothing was rotated" >&2; exit 1; }
            current=$(cat "$2")
            passphrase() { case "$1" in K10*::*) credentials=${1#*::}; printf '%s' "${credentials#*:}" ;; *) printf '%s' "$1" ;; esac; }
            if [ "$(passphrase "$new")" = "$(passphrase "$current")" ]; then echo "the server already holds the new token: nothing to rotate"; exit 0; fi
            "$1" token rotate --new-token "$(passphrase "$new")"
            """)
        {
            Arguments = [Rke2Paths.Rke2Binary, ServerTokenFile],
            Stdin = Encoding.UTF8.GetBytes(newToken + "\n"),
            Timeout = TimeSpan.FromMinutes(2),
        };

    public const string ServerTokenFile = "/var/lib/rancher/rke2/server/token";
}

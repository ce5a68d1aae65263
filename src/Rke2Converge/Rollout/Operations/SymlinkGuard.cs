namespace Rke2Converge.Rollout.Operations;

/// <summary>
/// The sh functions every remote script that writes, renames, creates, chmods or chowns runs before it touches a
/// path, so a symbolic link planted on a host cannot redirect rke2c (as root) to a file outside the managed path.
/// A link at the path itself is always refused. A link in a parent directory is followed only when the account
/// rke2c runs as owns both the link and the directory holding it, and nobody else may write that directory (so
/// only that account, or root, could have made it: <c>/var/run → /run</c>, say); any other is refused. chmod has no
/// way not to follow a link on Linux, hence refusing rather than <c>chmod -h</c>.
/// </summary>
internal static class SymlinkGuard
{
    /// <summary>The exit status of a script that refused a path.</summary>
    public const int RefusedExitCode = 3;

    /// <summary>
    /// <c>link_on_path PATH [parents]</c> prints the first component of PATH that is a link rke2c must not follow and
    /// returns 0, or returns 1 when there is none; with <c>parents</c> a link at PATH itself is allowed (renaming a
    /// link moves the link, never its target). <c>refuse_links PATH [parents]</c> exits <see cref="RefusedExitCode"/>
    /// with a message naming both. Variables are prefixed <c>lp_</c> so the caller's are left alone.
    /// </summary>
    public const string Functions = """
        link_on_path() {
          if [ "${2:-}" != parents ] && [ -L "$1" ]; then printf '%s' "$1"; return 0; fi
          lp_me=$(id -u) lp_dir= lp_rest=${1#/}
          while :; do
            case $lp_rest in */*) lp_part=${lp_rest%%/*} lp_rest=${lp_rest#*/} ;; *) return 1 ;; esac
            [ -n "$lp_part" ] || continue
            lp_parent=${lp_dir:-/} lp_dir=$lp_dir/$lp_part
            [ -L "$lp_dir" ] || continue
            lp_mode=$(stat -c %a "$lp_parent")
            if [ "$(stat -c %u "$lp_dir")" != "$lp_me" ] || [ "$(stat -c %u "$lp_parent")" != "$lp_me" ] || [ $(( 0$lp_mode & 022 )) -ne 0 ]; then
              printf '%s' "$lp_dir"; return 0
            fi
          done
        }
        refuse_links() {
          if lp_found=$(link_on_path "$1" "${2:-}"); then
            printf 'refusing to touch %s: %s is a symbolic link, and rke2c never follows a link it cannot trust (remove it, or declare the real path)\n' "$1" "$lp_found" >&2
            exit 3
          fi
        }

        """;
}

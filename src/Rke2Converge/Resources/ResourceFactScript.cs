using System.Globalization;
using System.Text;

namespace Rke2Converge.Resources;

/// <summary>
/// Puts every resource's fact fragment into the node's one fact script. Fragment <c>i</c> runs in a subshell with
/// <c>R=i</c>, so its <c>rec</c> lines come out as <c>res i FIELD...</c> and a fragment cannot disturb the others.
/// </summary>
internal static class ResourceFactScript
{
    /// <summary>Largest file whose content travels with the facts (for a text diff); larger ones send their hash only.</summary>
    public const int MaxContentBytes = 256 * 1024;

    /// <summary>
    /// Helpers for fragments: <c>rec</c> prints one record; <c>probe_file PATH WITH_CONTENT</c> prints
    /// <c>missing</c>, <c>dir MODE OWNER</c>, <c>file SHA256 MODE OWNER CONTENT|-</c>, <c>link LINK</c> or
    /// <c>other</c> (OWNER, CONTENT and LINK base64), never reading anything but a regular file, and never through a
    /// symbolic link writes would refuse (<see cref="Rollout.Operations.SymlinkGuard"/>): LINK is that link's path.
    /// </summary>
    public static readonly string Prelude = Rollout.Operations.SymlinkGuard.Functions + $$"""
        rec() { printf 'res %s' "$R"; for f in "$@"; do printf ' %s' "$f"; done; printf '\n'; }
        probe_file() {
          if lp_link=$(link_on_path "$1"); then rec link "$(b64 "$lp_link")"
          elif [ -d "$1" ]; then rec dir "$(stat -c %a "$1")" "$(b64 "$(stat -c %U:%G "$1")")"
          elif [ -f "$1" ]; then
            sum=$(sha256sum < "$1" | cut -d' ' -f1)
            content=-
            if [ "$2" = 1 ] && [ "$(stat -c %s "$1")" -le {{MaxContentBytes}} ]; then content=$(base64 -w0 < "$1"); fi
            rec file "$sum" "$(stat -c %a "$1")" "$(b64 "$(stat -c %U:%G "$1")")" "${content:-=}"
          elif [ -e "$1" ] || [ -L "$1" ]; then rec other
          else rec missing; fi
        }

        """;

    /// <summary>The fragments of <paramref name="fragments"/>, numbered in order, after the prelude.</summary>
    public static string Compose(IReadOnlyList<string> fragments)
    {
        if (fragments.Count == 0) return "";
        var script = new StringBuilder(Prelude);
        for (var i = 0; i < fragments.Count; i++)
        {
            script.Append(CultureInfo.InvariantCulture, $"(\nR={i}\n{fragments[i].TrimEnd()}\n)\n");
        }
        return script.ToString();
    }
}

namespace Rke2Converge.Rollout.Operations;

/// <summary>
/// Receiving a command's stdin into a temp file on the host. A lost SSH connection reaches the remote <c>cat</c> as a
/// clean end of file, so the byte count is checked before anything is renamed into place. sh runs no EXIT trap when a
/// signal kills it (a lost connection brings SIGPIPE on the next write to stderr, or SIGHUP), so the signals are
/// turned into exits and the temp file's cleanup still runs.
/// </summary>
internal static class StdinTransfer
{
    /// <summary>Defines <c>receive FILE BYTES</c> and the signal traps; scripts set their EXIT trap themselves.</summary>
    public const string ReceiveFunction = """
        trap 'exit 129' HUP
        trap 'exit 130' INT
        trap 'exit 141' PIPE
        trap 'exit 143' TERM
        receive() {
          cat > "$1"
          received=$(wc -c < "$1" | tr -d ' ')
          if [ "$received" != "$2" ]; then
            echo "received $received of $2 bytes (connection lost?); $1 discarded, nothing replaced" >&2
            exit 1
          fi
        }

        """;

    /// <summary>
    /// Defines <c>receive_checked DIR NAME BYTES SHA256</c> (and <c>receive</c>): stdin into a temp file in DIR, left in
    /// <c>$part</c> and removed on exit unless the script renames it, its SHA-256 checked before anything is replaced.
    /// </summary>
    public const string ReceiveCheckedFunction = ReceiveFunction + """
        receive_checked() {
          part=$(mktemp "$1/.rke2c-part.XXXXXX")
          trap 'rm -f "$part"' EXIT
          receive "$part" "$3"
          actual=$(sha256sum "$part" | cut -d ' ' -f 1)
          if [ "$actual" != "$4" ]; then
            echo "checksum mismatch for $2: expected $4, got $actual; nothing replaced" >&2
            exit 1
          fi
        }

        """;

    public static string ByteCount(byte[] content) => content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

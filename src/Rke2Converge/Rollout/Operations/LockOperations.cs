using Rke2Converge.Remote;

namespace Rke2Converge.Rollout.Operations;

/// <summary>
/// The per-host lock file. It is created whole and atomically: the holder is written to a unique temp file, then
/// hard-linked to the lock path, which fails if the path exists. Every answer is printed, never signalled by the exit
/// code: <c>acquired</c>, or <c>held AGE_SECONDS</c> followed by the holder's lines; <c>broken</c> before that when a
/// lock named for breaking was removed. The age is measured on the host's own clock, so clock skew cannot fake it.
/// </summary>
internal static class LockOperations
{
    private const string ReportHolderFunction = """
        report_holder() {
          holder=$(cat "$1" 2>/dev/null) || return 1
          mtime=$(stat -c %Y "$1" 2>/dev/null) || return 1
          echo "held $(( $(date +%s) - mtime ))"
          printf '%s\n' "$holder"
        }

        """;

    // A lock named for breaking is moved aside first and checked there, so a lock that changed hands since it was
    // reported is put back, never removed.
    private const string AcquireScript = "set -eu\n" + SymlinkGuard.Functions + ReportHolderFunction + StdinTransfer.ReceiveFunction + """
        lock=$1 run=$2 expected=$3 bytes=$4
        refuse_links "$lock"
        mkdir -p "$(dirname "$lock")"
        if [ -n "$expected" ] && [ -f "$lock" ]; then
          aside=$(mktemp "$lock.broken.XXXXXX")
          if mv -f "$lock" "$aside" 2>/dev/null; then
            if [ "$(cat "$aside")" = "$expected" ]; then echo broken
            else ln "$aside" "$lock" 2>/dev/null || true; fi
          fi
          rm -f "$aside"
        fi
        tmp=$(mktemp "$lock.new.XXXXXX")
        trap 'rm -f "$tmp"' EXIT
        receive "$tmp" "$bytes"
        chmod 0644 "$tmp"
        err=
        for _ in 1 2 3; do
          if err=$(ln "$tmp" "$lock" 2>&1); then echo acquired; exit 0; fi
          if grep -qxF "run=$run" "$lock" 2>/dev/null; then echo acquired; exit 0; fi
          if report_holder "$lock"; then exit 0; fi
        done
        echo "cannot create $lock: $err" >&2
        exit 1
        """;

    private const string CheckScript = ReportHolderFunction + """
        if ! report_holder "$1"; then echo free; fi
        """;

    private const string ReleaseScript = """
        set -eu
        lock=$1 run=$2
        if [ ! -f "$lock" ]; then echo gone
        elif grep -qxF "run=$run" "$lock"; then rm -f "$lock"; rmdir "${lock%/*}" 2>/dev/null || true; echo released
        else echo "taken-over"; cat "$lock"; fi
        """;

    /// <summary>Takes the lock for <paramref name="holder"/>, or reports who has it; with <paramref name="breakExpected"/>, first removes a lock whose content is exactly that.</summary>
    public static RemoteCommand Acquire(string lockFile, LockHolder holder, string? breakExpected = null)
    {
        var content = System.Text.Encoding.UTF8.GetBytes(holder.Format());
        return new(breakExpected is null ? "take the rke2c lock" : "break the rke2c lock and take it", AcquireScript)
        {
            Arguments = [lockFile, holder.Run, breakExpected ?? "", StdinTransfer.ByteCount(content)],
            Stdin = content,
            Timeout = TimeSpan.FromSeconds(15),
        };
    }

    /// <summary>Reads the lock without taking it (plan and dry runs).</summary>
    public static RemoteCommand Check(string lockFile) =>
        new("read the rke2c lock", CheckScript) { Arguments = [lockFile], Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Removes the lock if, and only if, this run holds it.</summary>
    public static RemoteCommand Release(string lockFile, string run) =>
        new("release the rke2c lock", ReleaseScript) { Arguments = [lockFile, run], Timeout = TimeSpan.FromSeconds(10) };
}

/// <summary>What a lock script answered: taken (<see cref="Acquired"/>), or held by someone else (<see cref="HolderText"/>, its age), or free.</summary>
internal sealed record LockAnswer(bool Acquired, bool Broken, string? HolderText, TimeSpan Age)
{
    public static LockAnswer Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        var broken = lines[0] == "broken";
        var status = lines[broken ? 1 : 0];
        if (status == "acquired") return new LockAnswer(true, broken, null, TimeSpan.Zero);
        if (status == "free") return new LockAnswer(false, broken, null, TimeSpan.Zero);
        if (status.StartsWith("held ", StringComparison.Ordinal)
            && long.TryParse(status["held ".Length..], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            var holder = string.Join('\n', lines[((broken ? 1 : 0) + 1)..]).TrimEnd('\n');
            return new LockAnswer(false, broken, holder, TimeSpan.FromSeconds(Math.Max(0, seconds)));
        }
        throw new FormatException($"unexpected answer from the lock script: {stdout.Trim()}");
    }
}

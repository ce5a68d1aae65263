using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Rke2Converge.Plan.Diff;
using Rke2Converge.Remote;

namespace Rke2Converge.Rollout;

/// <summary>
/// What binds a planned step to the bytes it sends: the SHA-256 of each remote command's script, arguments, timeout
/// and standard input, in order. Secrets are masked first (arguments and input through the run's redactor, input
/// also line by line as for a file's hash), so a saved plan holds none; the run's timestamp argument is bound by its
/// shape only. A saved plan compares these, and a running step may send only the commands its binding names.
/// </summary>
internal static class StepBinding
{
    private const string Version = "rke2c-step-binding-1";

    /// <summary>The binding of a step that sends these commands, in this order (an empty list binds to sending nothing).</summary>
    public static string Of(IEnumerable<RemoteCommand> commands, Func<string, string> redact)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Field(hash, Version);
        foreach (var command in commands) Field(hash, Of(command, redact));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The binding of one command: every byte it sends to the host, secrets masked.</summary>
    public static string Of(RemoteCommand command, Func<string, string> redact)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Field(hash, Version);
        Field(hash, command.Script);
        Field(hash, SshCommandLine.RemoteTimeoutSeconds(command.Timeout).ToString(CultureInfo.InvariantCulture));
        Field(hash, command.Arguments.Count.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < command.Arguments.Count; i++)
        {
            var argument = command.Arguments[i];
            Field(hash, i == command.StampArgument && IsStamp(argument) ? "(run time)" : redact(argument));
        }
        Field(hash, StdinHash(command, redact));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string StdinHash(RemoteCommand command, Func<string, string> redact)
    {
        if (command.Stdin is { } bytes) return "stdin " + Convert.ToHexStringLower(SHA256.HashData(Masked(bytes, redact)));
        if (command.StdinFile is not { } file) return "no stdin";
        if (command.StdinSha256 is { } known) return "file " + known.ToLowerInvariant();
        using var stream = File.OpenRead(file);
        return "file " + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Text is masked as a file's content is for its hash; bytes that are not UTF-8 are bound as they are.</summary>
    private static byte[] Masked(byte[] bytes, Func<string, string> redact)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return bytes;
        }
        return Encoding.UTF8.GetBytes(SensitiveLines.Mask(text, redact));
    }

    private static bool IsStamp(string argument) =>
        argument.Length == RemoteCommand.StampFormat.Length
        && DateTime.TryParseExact(argument, RemoteCommand.StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>Length-prefixed, so no two different field lists hash alike.</summary>
    private static void Field(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}

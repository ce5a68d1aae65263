namespace Rke2Converge.Model.Validation;

/// <summary>
/// SSH users, identity files and the known_hosts file, checked before any connection: a user starting with '-' would
/// reach ssh as an option, and a missing key only shows up as a refused login on every host.
/// </summary>
internal static class SshRules
{
    /// <summary>Checks one set of SSH settings; <paramref name="whose"/> is words for messages, such as <c>default ssh</c> or <c>node cp-1 ssh</c>.</summary>
    public static void Check(SshSettings ssh, string whose, SourceLocation? at, List<ValidationProblem> problems)
    {
        if (ssh.User is { } user && !Grammar.IsSshUser(user))
        {
            problems.Add(ValidationProblem.Error(
                $"{whose} user {Printable.Quote(user)} is not a valid user name: letters, digits, '_', '.', '@' and '-', "
                + "not starting with '-'", at));
        }
        if (ssh.IdentityFile is { } key) CheckFile(key, $"{whose} key", at, problems);
    }

    public static void CheckKnownHosts(string? file, SourceLocation? at, List<ValidationProblem> problems)
    {
        if (file is not null) CheckFile(file, "known_hosts file", at, problems);
    }

    private static void CheckFile(string path, string what, SourceLocation? at, List<ValidationProblem> problems)
    {
        if (Printable.FirstUnsafe(path) is { } bad)
        {
            problems.Add(ValidationProblem.Error($"{what} path {Printable.Quote(path)} contains {Printable.Describe(bad)}", at));
        }
        else if (Directory.Exists(path))
        {
            problems.Add(ValidationProblem.Error($"{what} {path} is a directory, not a file", at));
        }
        else if (!File.Exists(path))
        {
            problems.Add(ValidationProblem.Error($"{what} {path} does not exist", at));
        }
    }
}

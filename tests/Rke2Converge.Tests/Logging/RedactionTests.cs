using Rke2Converge.Logging;
using Serilog.Events;

namespace Rke2Converge.Tests.Logging;

public sealed class RedactionTests
{
    [Fact]
    public void Neither_sink_ever_writes_a_registered_secret()
    {
        var directory = Directory.CreateTempSubdirectory("rke2c-log-test").FullName;
        var redactor = new SecretRedactor();
        redactor.Register("tok\"en-with-quote");
        var (logger, path) = RunLog.Create("test", directory, LogEventLevel.Fatal, redactor);
        using (logger)
        {
            logger.Information("stderr was {Stderr}", "failed: token tok\"en-with-quote rejected");
            logger.Information("plain tok\"en-with-quote in the template");
        }

        var text = File.ReadAllText(path);

        Assert.DoesNotContain("en-with-quote", text, StringComparison.Ordinal);
        Assert.True(text.Split("(sensitive)").Length - 1 >= 3, text);
        Directory.Delete(directory, true);
    }
}

namespace Rke2Converge.Cli.Output;

public enum OutputFormat
{
    Text,
    Json,
}

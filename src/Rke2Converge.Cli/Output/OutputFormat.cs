namespace Rke2Converge.Cli.Output;

internal enum OutputFormat
{
    Text,
    Json,
}

using Rke2Sim.Cli.Rke2;
using Rke2Sim;
using Rke2Sim.Versions;

// The same code paths as rke2sim's rke2 secrets-encrypt (the launcher sends only that here).
SystemTrustStore.Skip();
return args switch
{
    ["rke2", "--sim-version", var version, "secrets-encrypt", .. var rest] => await SecretsEncryptAsync(version, rest),
    _ => Usage(),
};

static async Task<int> SecretsEncryptAsync(string version, string[] args)
{
    try
    {
        ReleaseInfo.Parse(version);
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
    return await SecretsEncryptCommand.RunAsync(args);
}

static int Usage()
{
    Console.Error.WriteLine("usage: rke2sim-client rke2 --sim-version V secrets-encrypt ...");
    return 2;
}

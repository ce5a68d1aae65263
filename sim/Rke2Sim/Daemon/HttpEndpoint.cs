using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Rke2Sim.Daemon;

/// <summary>One listening service (supervisor, apiserver, etcd health) that can be started and stopped as its component comes and goes.</summary>
/// <param name="requestClientCertificate">Ask TLS clients for a certificate (the handler judges it), as kube-apiserver does for x509 client authentication.</param>
public sealed class HttpEndpoint(string name, IReadOnlyList<string> addresses, int port, X509Certificate2? certificate, Action<WebApplication> map, bool requestClientCertificate = false)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _app;

    public string Name { get; } = name;

    public bool IsListening => _app is not null;

    public async Task StartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is not null) return;
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.Logging.ClearProviders();
            builder.WebHost.UseSetting("urls", "");
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                foreach (var address in addresses.Distinct(StringComparer.Ordinal))
                {
                    kestrel.Listen(IPAddress.Parse(address), port, listen =>
                    {
                        if (certificate is null) return;
                        if (!requestClientCertificate)
                        {
                            listen.UseHttps(certificate);
                            return;
                        }
                        listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                        {
                            ServerCertificate = certificate,
                            ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate,
                            ClientCertificateValidation = (_, _, _) => true,
                        });
                    });
                }
            });
            var app = builder.Build();
            map(app);
            try
            {
                await app.StartAsync();
            }
            catch (IOException e)
            {
                await app.DisposeAsync();
                throw new FatalException($"{Name}: listen tcp {addresses[0]}:{port}: bind: address already in use ({e.Message})");
            }
            _app = app;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is null) return;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Connections that do not close in time are dropped, like a container being killed.
            }
            await _app.DisposeAsync();
            _app = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}

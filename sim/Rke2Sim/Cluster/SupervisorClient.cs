using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization.Metadata;

namespace Rke2Sim.Cluster;

/// <summary>Thrown when the server answered but refused: status code and body text.</summary>
public sealed class SupervisorRefusedException(int status, string url, string body)
    : Exception($"{url}: {status} {ReasonPhrase(status)}{(body.Length > 0 ? ": " + body : "")}")
{
    public int Status { get; } = status;

    public string Body { get; } = body;

    private static string ReasonPhrase(int status) => status switch
    {
        401 => "Unauthorized",
        409 => "Conflict",
        503 => "Service Unavailable",
        _ => ((HttpStatusCode)status).ToString(),
    };
}

/// <summary>Talks HTTPS to a supervisor (port 9345). Certificates are not verified, like <c>curl -k</c>.</summary>
public sealed class SupervisorClient(string baseUrl, string? token)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        Proxy = GoProxy.FromEnvironment(),
        UseProxy = true,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = TimeSpan.FromSeconds(15),
    };

    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public async Task<string> GetTextAsync(string path, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, BaseUrl + path);
        return await SendAsync(request, cancel);
    }

    [RequiresUnreferencedCode("Serializes by reflection; rke2sim-client (Native AOT) uses the JsonTypeInfo overload.")]
    [RequiresDynamicCode("Serializes by reflection; rke2sim-client (Native AOT) uses the JsonTypeInfo overload.")]
    public async Task<T> PostAsync<T>(string path, object body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, BaseUrl + path)
        {
            Content = JsonContent.Create(body, body.GetType(), options: Protocol.Json),
        };
        var text = await SendAsync(request, cancel);
        return System.Text.Json.JsonSerializer.Deserialize<T>(text, Protocol.Json)!;
    }

    /// <summary>The same request and answer as <see cref="PostAsync{T}"/>, serialized by source-generated metadata.</summary>
    public async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> request, JsonTypeInfo<TResponse> response, CancellationToken cancel)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, BaseUrl + path)
        {
            Content = JsonContent.Create(body, request),
        };
        var text = await SendAsync(message, cancel);
        return System.Text.Json.JsonSerializer.Deserialize(text, response)!;
    }

    [RequiresUnreferencedCode("Serializes by reflection.")]
    [RequiresDynamicCode("Serializes by reflection.")]
    public async Task<string> PostTextAsync(string path, object body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, BaseUrl + path)
        {
            Content = JsonContent.Create(body, body.GetType(), options: Protocol.Json),
        };
        return await SendAsync(request, cancel);
    }

    private async Task<string> SendAsync(HttpRequestMessage request, CancellationToken cancel)
    {
        if (token is not null) request.Headers.Add(Protocol.TokenHeader, token);
        var url = request.RequestUri!.ToString();
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException(GoStyleError(request.Method.Method, request.RequestUri!, e), e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new HttpRequestException($"{Verb(request.Method.Method)} \"{url}\": context deadline exceeded", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancel);
            if (!response.IsSuccessStatusCode) throw new SupervisorRefusedException((int)response.StatusCode, url, text.Trim());
            return text;
        }
    }

    /// <summary>Formats a transport error the way Go's net/http reports it.</summary>
    public static string GoStyleError(string method, Uri uri, HttpRequestException e)
    {
        var target = $"{uri.Host}:{uri.Port}";
        var inner = e.InnerException as SocketException ?? e.InnerException?.InnerException as SocketException;
        var reason = inner?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => $"dial tcp {target}: connect: connection refused",
            SocketError.TimedOut => $"dial tcp {target}: i/o timeout",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"dial tcp {target}: connect: no route to host",
            _ => e.Message,
        };
        return $"{Verb(method)} \"{uri}\": {reason}";
    }

    private static string Verb(string method) => method == "GET" ? "Get" : method == "POST" ? "Post" : method;
}

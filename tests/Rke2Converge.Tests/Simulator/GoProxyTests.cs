using Rke2Sim.Cluster;

namespace Rke2Converge.Tests.Simulator;

/// <summary>The simulator's Go proxy rules, case by case from golang.org/x/net/http/httpproxy (proxy_test.go's table).</summary>
public sealed class GoProxyTests
{
    private const string Proxy = "http://proxy.example:3128";

    [Theory]
    [InlineData("127.0.0.0/8", "https://10.1.2.3:9345", true)]
    [InlineData("10.0.0.0/8", "https://10.1.2.3:9345", false)]
    [InlineData("10.0.0.0/8", "https://11.1.2.3:9345", true)]
    [InlineData("", "https://127.4.110.1:9345", false)]
    [InlineData("", "https://localhost:9345", false)]
    [InlineData("*", "https://server.example:9345", false)]
    [InlineData("example.com", "https://example.com:9345", false)]
    [InlineData("example.com", "https://a.example.com:9345", false)]
    [InlineData(".example.com", "https://example.com:9345", true)]
    [InlineData(".example.com", "https://a.example.com:9345", false)]
    [InlineData("*.example.com", "https://a.example.com:9345", false)]
    [InlineData("example.com:9345", "https://example.com:9345", false)]
    [InlineData("example.com:6443", "https://example.com:9345", true)]
    [InlineData("10.1.2.3", "https://10.1.2.3:9345", false)]
    [InlineData("10.1.2.3:6443", "https://10.1.2.3:9345", true)]
    [InlineData(" Example.COM ,10.9.9.9", "https://EXAMPLE.com:9345", false)]
    [InlineData("fd00::/8", "https://[fd00::1]:9345", false)]
    [InlineData("notexample.com", "https://example.com:9345", true)]
    public void No_proxy_follows_gos_rules(string noProxy, string url, bool proxied)
    {
        var proxy = new GoProxy(Proxy, null, noProxy);

        Assert.Equal(proxied, proxy.UsesProxy(new Uri(url)));
        Assert.Equal(proxied ? new Uri(Proxy) : null, proxy.GetProxy(new Uri(url)));
    }

    [Fact]
    public void Https_requests_use_https_proxy_only_and_a_proxy_without_scheme_is_http()
    {
        var onlyHttp = new GoProxy(null, Proxy, null);
        var bare = new GoProxy("proxy.example:3128", null, null);

        Assert.Null(onlyHttp.GetProxy(new Uri("https://10.1.2.3:9345")));
        Assert.Equal(new Uri(Proxy), onlyHttp.GetProxy(new Uri("http://10.1.2.3:80")));
        Assert.Equal(new Uri("http://proxy.example:3128"), bare.GetProxy(new Uri("https://10.1.2.3:9345")));
    }
}

using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rke2Sim.Hosting;

namespace Rke2Sim.Cli.Kubectl;

/// <summary>
/// The kubectl that RKE2 puts in /var/lib/rancher/rke2/bin: <c>get --raw</c>, <c>get nodes|pods|pdb</c>, and the
/// writes of <see cref="KubectlWrites"/> and <see cref="KubectlDrain"/>, asking the apiserver the kubeconfig names;
/// errors and exit codes like kubectl.
/// </summary>
public static partial class KubectlCommand
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(32),
    };

    [GeneratedRegex(@"^\s*server:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ServerLine();

    public static async Task<int> RunAsync(string[] args)
    {
        KubectlArguments parsed;
        try
        {
            parsed = KubectlArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            return Fail($"error: {e.Message}");
        }
        var verb = parsed.Positional.FirstOrDefault();
        if (verb is not ("get" or "cordon" or "uncordon" or "drain" or "delete" or "create" or "patch"))
            return Fail($"error: the simulator's kubectl supports get, cordon, uncordon, drain, delete, create, patch (got \"{string.Join(' ', args)}\")");
        var server = ServerUrl(parsed.Kubeconfig, out var configError);
        if (server is null) return Fail(configError!);
        try
        {
            if (verb == "drain") return await KubectlDrain.RunAsync(server, parsed);
            if (verb != "get") return await KubectlWrites.RunAsync(server, verb, parsed);
            if (parsed.Raw is { } raw) return await RawAsync(server, raw);
            var resource = parsed.Positional.ElementAtOrDefault(1);
            var name = parsed.Positional.ElementAtOrDefault(2);
            return resource switch
            {
                "node" or "nodes" or "no" => await NodesAsync(server, name, parsed.Output),
                "pod" or "pods" or "po" => await PodsAsync(server, parsed.AllNamespaces ? null : parsed.Namespace ?? "default", name, parsed.Output, parsed.AllNamespaces, parsed.Flag("selector")),
                "pdb" or "poddisruptionbudget" or "poddisruptionbudgets" => await KubectlWrites.GetBudgetsAsync(server, parsed.AllNamespaces ? null : parsed.Namespace ?? "default", name, parsed.Output),
                null => Fail("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified."),
                _ => Fail($"error: the server doesn't have a resource type \"{resource}\""),
            };
        }
        catch (HttpRequestException e)
        {
            var uri = new Uri(server);
            var refused = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            return Fail(refused
                ? $"The connection to the server {uri.Host}:{uri.Port} was refused - did you specify the right host or port?"
                : $"Unable to connect to the server: {e.Message}");
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return Fail($"error: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            return Fail($"Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)");
        }
    }

    private static string? ServerUrl(string? kubeconfigFlag, out string? error)
    {
        error = null;
        var path = kubeconfigFlag ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(':').FirstOrDefault(p => p.Length > 0);
        if (path is null)
        {
            var home = Environment.GetEnvironmentVariable("HOME") ?? "/root";
            path = Path.Join(home, ".kube", "config");
            if (!File.Exists(SimPaths.Resolve(path))) return "http://localhost:8080";
        }
        var resolved = SimPaths.Resolve(path);
        if (!File.Exists(resolved))
        {
            error = $"error: stat {path}: no such file or directory";
            return null;
        }
        var match = ServerLine().Match(File.ReadAllText(resolved));
        if (!match.Success)
        {
            error = "error: no server found for cluster \"default\"";
            return null;
        }
        return match.Groups[1].Value.Trim('"', '\'').TrimEnd('/');
    }

    private static async Task<int> RawAsync(string server, string path)
    {
        var (status, body) = await GetAsync(server, path);
        if (status is >= 200 and < 300)
        {
            Console.Out.Write(body);
            return 0;
        }
        return Fail(ServerError(status, body));
    }

    private static async Task<int> NodesAsync(string server, string? name, string? output)
    {
        var (status, body) = await GetAsync(server, name is null ? "/api/v1/nodes" : $"/api/v1/nodes/{name}");
        if (status is < 200 or >= 300) return Fail(ServerError(status, body));
        var json = JsonNode.Parse(body)!;
        if (Printed(json, output) is { } printed)
        {
            Console.Out.Write(printed);
            return 0;
        }
        var items = name is null ? json["items"]!.AsArray().Select(n => n!).ToList() : [json];
        if (items.Count == 0)
        {
            Console.Error.WriteLine("No resources found");
            return 0;
        }
        var wide = output == "wide";
        var header = wide
            ? new[] { "NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME" }
            : ["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
        var rows = items.Select(node =>
        {
            var ready = node["status"]!["conditions"]!.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Ready")?["status"]?.GetValue<string>();
            var roles = node["metadata"]!["labels"]!.AsObject()
                .Select(kv => kv.Key)
                .Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
                .Select(k => k["node-role.kubernetes.io/".Length..])
                .Order(StringComparer.Ordinal)
                .ToList();
            var row = new List<string>
            {
                (string)node["metadata"]!["name"]!,
                (ready == "True" ? "Ready" : "NotReady") + (node["spec"]?["unschedulable"] is not null ? ",SchedulingDisabled" : ""),
                roles.Count == 0 ? "<none>" : string.Join(",", roles),
                Age(node["metadata"]!["creationTimestamp"]),
                (string)node["status"]!["nodeInfo"]!["kubeletVersion"]!,
            };
            if (wide)
            {
                var ip = node["status"]!["addresses"]!.AsArray().FirstOrDefault(a => (string?)a!["type"] == "InternalIP")?["address"]?.GetValue<string>() ?? "<none>";
                row.AddRange([ip, "<none>", "Linux", "<unknown>", (string)node["status"]!["nodeInfo"]!["containerRuntimeVersion"]!]);
            }
            return (IReadOnlyList<string>)row;
        });
        Console.Out.Write(TextTable.Render(header, rows));
        return 0;
    }

    private static async Task<int> PodsAsync(string server, string? ns, string? name, string? output, bool allNamespaces, string? selector)
    {
        var (status, body) = await GetAsync(server, ns is null ? "/api/v1/pods" : $"/api/v1/namespaces/{ns}/pods");
        if (status is < 200 or >= 300) return Fail(ServerError(status, body));
        var json = JsonNode.Parse(body)!;
        if (selector is not null)
        {
            // Equality-based label selectors only (k=v,k2=v2), filtered as the apiserver would.
            var wanted = selector.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToList();
            var kept = new JsonArray();
            foreach (var pod in json["items"]!.AsArray().Select(n => n!).ToList())
            {
                if (wanted.All(w => (string?)pod["metadata"]?["labels"]?[w[0]] == (w.Length > 1 ? w[1] : (string?)pod["metadata"]?["labels"]?[w[0]]) && pod["metadata"]?["labels"]?[w[0]] is not null))
                    kept.Add(pod.DeepClone());
            }
            json["items"] = kept;
        }
        var items = json["items"]!.AsArray().Select(n => n!).ToList();
        if (name is not null)
        {
            var pod = items.FirstOrDefault(p => (string?)p["metadata"]!["name"] == name);
            if (pod is null) return Fail($"Error from server (NotFound): pods \"{name}\" not found");
            items = [pod];
            json = pod;
        }
        if (Printed(json, output) is { } printed)
        {
            Console.Out.Write(printed);
            return 0;
        }
        if (items.Count == 0)
        {
            Console.Error.WriteLine(allNamespaces ? "No resources found" : $"No resources found in {ns} namespace.");
            return 0;
        }
        var header = allNamespaces
            ? new[] { "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE" }
            : ["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
        var rows = items.Select(pod =>
        {
            var container = pod["status"]!["containerStatuses"]!.AsArray()[0]!;
            var ready = container["ready"]!.GetValue<bool>();
            var row = new List<string>();
            if (allNamespaces) row.Add((string)pod["metadata"]!["namespace"]!);
            row.AddRange([
                (string)pod["metadata"]!["name"]!,
                ready ? "1/1" : "0/1",
                (string)pod["status"]!["phase"]!,
                container["restartCount"]!.ToJsonString(),
                Age(pod["metadata"]!["creationTimestamp"]),
            ]);
            return (IReadOnlyList<string>)row;
        });
        Console.Out.Write(TextTable.Render(header, rows));
        return 0;
    }

    /// <summary>Output for -o json / jsonpath / name; null means "print a table".</summary>
    internal static string? Printed(JsonNode json, string? output)
    {
        if (output is null or "wide") return null;
        if (output == "json") return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).Replace("  ", "    ", StringComparison.Ordinal) + "\n";
        if (output == "name")
        {
            var items = json["items"] is JsonArray list ? list.Select(n => n!).ToList() : [json];
            return string.Concat(items.Select(i => $"{((string)i["kind"]!).ToLowerInvariant()}/{(string)i["metadata"]!["name"]!}\n"));
        }
        if (output.StartsWith("jsonpath=", StringComparison.Ordinal)) return JsonPath.Evaluate(output[9..].Trim('\''), json);
        throw new ArgumentException($"unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,jsonpath,name,wide");
    }

    internal static async Task<(int Status, string Body)> GetAsync(string server, string path)
    {
        using var response = await Http.GetAsync(server + path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    internal static async Task<(int Status, string Body)> SendAsync(HttpMethod method, string server, string path, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, server + path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    internal static string ServerError(int status, string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject { } statusObject && (string?)statusObject["kind"] == "Status")
            {
                var reason = (string?)statusObject["reason"];
                var message = (string?)statusObject["message"];
                return reason is null ? $"Error from server: {message}" : $"Error from server ({reason}): {message}";
            }
        }
        catch (JsonException)
        {
            // Not a Status object: fall through to the raw form.
        }
        var escaped = body.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return status >= 500
            ? $"Error from server (InternalError): an error on the server (\"{escaped}\") has prevented the request from succeeding"
            : $"Error from server ({status}): {escaped}";
    }

    internal static string Age(JsonNode? timestamp) =>
        timestamp is not null && DateTimeOffset.TryParse((string?)timestamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created)
            ? TextTable.Age(DateTimeOffset.UtcNow - created)
            : "<unknown>";

    internal static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}

using System.Text.Json.Nodes;

namespace Rke2Sim.Cli.Kubectl;

/// <summary>
/// <c>kubectl cordon|uncordon NODE</c>, <c>delete node|pdb NAME</c>, <c>create deployment NAME --image=I
/// [--replicas=N]</c>, <c>create pdb NAME --selector=k=v --min-available=N|--max-unavailable=N</c>, <c>patch pdb NAME
/// -p JSON</c> and <c>get pdb</c>, with kubectl's messages.
/// </summary>
public static class KubectlWrites
{
    public static async Task<int> RunAsync(string server, string verb, KubectlArguments parsed)
    {
        var ns = parsed.Namespace ?? "default";
        var kind = parsed.Positional.ElementAtOrDefault(1);
        var name = parsed.Positional.ElementAtOrDefault(2);
        switch (verb)
        {
            case "cordon" or "uncordon":
                return kind is null ? KubectlCommand.Fail($"error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples") : await CordonAsync(server, kind, verb == "cordon");
            case "delete" when kind is "node" or "nodes" or "no" && name is not null:
                return await WriteAsync(HttpMethod.Delete, server, $"/api/v1/nodes/{name}", null, $"node \"{name}\" deleted");
            case "delete" when kind is "pdb" or "poddisruptionbudget" or "poddisruptionbudgets" && name is not null:
                return await WriteAsync(HttpMethod.Delete, server, $"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets/{name}", null, $"poddisruptionbudget.policy \"{name}\" deleted");
            case "create" when kind == "deployment" && name is not null:
                return await CreateDeploymentAsync(server, ns, name, parsed);
            case "create" when kind is "pdb" or "poddisruptionbudget" && name is not null:
                return await CreateBudgetAsync(server, ns, name, parsed);
            case "patch" when kind is "pdb" or "poddisruptionbudget" or "poddisruptionbudgets" && name is not null:
                if (parsed.Flag("patch") is not { } patch) return KubectlCommand.Fail("error: must specify -p to patch");
                return await WriteAsync(HttpMethod.Patch, server, $"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets/{name}", patch,
                    $"poddisruptionbudget.policy/{name} patched", "application/merge-patch+json");
            default:
                return KubectlCommand.Fail($"error: the simulator's kubectl does not support \"{verb} {kind}\"");
        }
    }

    private static async Task<int> CordonAsync(string server, string node, bool cordon)
    {
        var (status, body) = await KubectlCommand.GetAsync(server, $"/api/v1/nodes/{node}");
        if (status != 200) return KubectlCommand.Fail(KubectlCommand.ServerError(status, body));
        var already = JsonNode.Parse(body)!["spec"]?["unschedulable"] is not null == cordon;
        var word = cordon ? "cordoned" : "uncordoned";
        if (already)
        {
            Console.Out.WriteLine($"node/{node} already {word}");
            return 0;
        }
        return await WriteAsync(HttpMethod.Patch, server, $"/api/v1/nodes/{node}", "{\"spec\":{\"unschedulable\":" + (cordon ? "true" : "null") + "}}",
            $"node/{node} {word}", "application/strategic-merge-patch+json");
    }

    private static Task<int> CreateDeploymentAsync(string server, string ns, string name, KubectlArguments parsed)
    {
        if (parsed.Flag("image") is not { } image) return Task.FromResult(KubectlCommand.Fail("error: required flag(s) \"image\" not set"));
        var replicas = int.TryParse(parsed.Flag("replicas") ?? "1", out var count) ? count : 1;
        var body = new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = name } },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["image"] = image }) } },
            },
        };
        return WriteAsync(HttpMethod.Post, server, $"/apis/apps/v1/namespaces/{ns}/deployments", body.ToJsonString(), $"deployment.apps/{name} created");
    }

    private static Task<int> CreateBudgetAsync(string server, string ns, string name, KubectlArguments parsed)
    {
        var selector = parsed.Flag("selector");
        var min = parsed.Flag("min-available");
        var max = parsed.Flag("max-unavailable");
        if (selector is null) return Task.FromResult(KubectlCommand.Fail("error: a selector must be specified"));
        if (min is null == (max is null)) return Task.FromResult(KubectlCommand.Fail("error: one of min-available or max-unavailable must be specified"));
        var labels = new JsonObject();
        foreach (var pair in selector.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) return Task.FromResult(KubectlCommand.Fail($"error: couldn't parse the selector string \"{selector}\""));
            labels[pair[..eq]] = pair[(eq + 1)..];
        }
        var spec = new JsonObject { ["selector"] = new JsonObject { ["matchLabels"] = labels } };
        if (min is not null) spec["minAvailable"] = int.Parse(min, System.Globalization.CultureInfo.InvariantCulture);
        if (max is not null) spec["maxUnavailable"] = int.Parse(max, System.Globalization.CultureInfo.InvariantCulture);
        var body = new JsonObject { ["apiVersion"] = "policy/v1", ["kind"] = "PodDisruptionBudget", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
        return WriteAsync(HttpMethod.Post, server, $"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets", body.ToJsonString(), $"poddisruptionbudget.policy/{name} created");
    }

    public static async Task<int> GetBudgetsAsync(string server, string? ns, string? name, string? output)
    {
        var path = ns is null ? "/apis/policy/v1/poddisruptionbudgets" : $"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets" + (name is null ? "" : "/" + name);
        var (status, body) = await KubectlCommand.GetAsync(server, path);
        if (status != 200) return KubectlCommand.Fail(KubectlCommand.ServerError(status, body));
        var json = JsonNode.Parse(body)!;
        if (KubectlCommand.Printed(json, output) is { } printed)
        {
            Console.Out.Write(printed);
            return 0;
        }
        var items = name is null ? json["items"]!.AsArray().Select(n => n!).ToList() : [json];
        if (items.Count == 0)
        {
            Console.Error.WriteLine(ns is null ? "No resources found" : $"No resources found in {ns} namespace.");
            return 0;
        }
        var rows = items.Select(pdb => (IReadOnlyList<string>)[
            (string)pdb["metadata"]!["name"]!,
            pdb["spec"]!["minAvailable"]?.ToJsonString() ?? "N/A",
            pdb["spec"]!["maxUnavailable"]?.ToJsonString() ?? "N/A",
            pdb["status"]!["disruptionsAllowed"]!.ToJsonString(),
            "<unknown>",
        ]);
        Console.Out.Write(TextTable.Render(["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], rows));
        return 0;
    }

    private static async Task<int> WriteAsync(HttpMethod method, string server, string path, string? body, string done, string contentType = "application/json")
    {
        var (status, answer) = await KubectlCommand.SendAsync(method, server, path, body, contentType);
        if (status is < 200 or >= 300) return KubectlCommand.Fail(KubectlCommand.ServerError(status, answer));
        Console.Out.WriteLine(done);
        return 0;
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Rke2Sim.Cluster;

/// <summary>
/// The writes the simulator's apiserver accepts, applied to the cluster state under the authority's lock: node
/// cordon (PATCH spec.unschedulable) and delete, the Eviction API, Deployments and PodDisruptionBudgets. Reads of
/// the same objects render from any copy of the state. Errors are Kubernetes Status objects with the real texts.
/// </summary>
public static partial class KubeApi
{
    public const string PdbViolation = "Cannot evict pod as it would violate the pod's disruption budget.";

    [GeneratedRegex("^/api/v1/nodes/(?<name>[^/]+)$")]
    private static partial Regex NodePath();

    [GeneratedRegex("^/api/v1/namespaces/(?<ns>[^/]+)/pods/(?<name>[^/]+)/eviction$")]
    private static partial Regex EvictionPath();

    [GeneratedRegex("^/api/v1/namespaces/(?<ns>[^/]+)/pods/(?<name>[^/]+)$")]
    private static partial Regex PodPath();

    [GeneratedRegex("^/apis/apps/v1/namespaces/(?<ns>[^/]+)/deployments$")]
    private static partial Regex DeploymentsPath();

    [GeneratedRegex("^/apis/apps/v1/namespaces/(?<ns>[^/]+)/deployments/(?<name>[^/]+)$")]
    private static partial Regex DeploymentPath();

    [GeneratedRegex("^/apis/policy/v1/namespaces/(?<ns>[^/]+)/poddisruptionbudgets(/(?<name>[^/]+))?$")]
    private static partial Regex BudgetsPath();

    public static KubeResponse Write(ClusterState state, KubeRequest request, DateTimeOffset now, TimeSpan grace)
    {
        JsonNode? body;
        try
        {
            body = string.IsNullOrEmpty(request.Body) ? null : JsonNode.Parse(request.Body);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Status(400, "BadRequest", $"the object provided is unrecognized: {e.Message}");
        }
        var response = request.Method switch
        {
            "PATCH" when NodePath().Match(request.Path) is { Success: true } m => PatchNode(state, m.Groups["name"].Value, body, now, grace),
            "DELETE" when NodePath().Match(request.Path) is { Success: true } m => DeleteNode(state, m.Groups["name"].Value, now, grace),
            "POST" when EvictionPath().Match(request.Path) is { Success: true } m => Evict(state, m.Groups["ns"].Value, m.Groups["name"].Value, now, grace),
            "DELETE" when PodPath().Match(request.Path) is { Success: true } m => DeletePod(state, m.Groups["ns"].Value, m.Groups["name"].Value),
            "POST" when DeploymentsPath().Match(request.Path) is { Success: true } m => CreateDeployment(state, m.Groups["ns"].Value, body, now),
            "DELETE" when DeploymentPath().Match(request.Path) is { Success: true } m => DeleteDeployment(state, m.Groups["ns"].Value, m.Groups["name"].Value),
            "POST" when BudgetsPath().Match(request.Path) is { Success: true } m && !m.Groups["name"].Success => CreateBudget(state, m.Groups["ns"].Value, body, now, grace),
            "PATCH" when BudgetsPath().Match(request.Path) is { Success: true } m && m.Groups["name"].Success => PatchBudget(state, m.Groups["ns"].Value, m.Groups["name"].Value, body, now, grace),
            "DELETE" when BudgetsPath().Match(request.Path) is { Success: true } m && m.Groups["name"].Success => DeleteBudget(state, m.Groups["ns"].Value, m.Groups["name"].Value),
            "PUT" => Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
            _ => Status(404, "NotFound", "the server could not find the requested resource"),
        };
        Reconcile(state, now, grace);
        return response;
    }

    /// <summary>
    /// What the controllers do between requests: pods on deleted nodes are garbage-collected, each Deployment is
    /// scaled back to its replicas onto schedulable Ready nodes (fewest of its pods first), pending pods are bound,
    /// and the etcd member finalizer of a node whose deletion waits is retried.
    /// </summary>
    public static void Reconcile(ClusterState state, DateTimeOffset now, TimeSpan grace)
    {
        foreach (var waiting in state.Nodes.Values.Where(n => n.DeletionRequestedAt is not null).ToList()) FinishNodeDeletion(state, waiting, now, grace);
        state.Pods.RemoveAll(p => p.NodeName.Length > 0 && !state.Nodes.ContainsKey(p.NodeName));
        foreach (var deployment in state.Deployments)
        {
            var owned = state.Pods.Count(p => p.Deployment == deployment.Name && p.Namespace == deployment.Namespace);
            for (; owned < deployment.Replicas; owned++)
            {
                deployment.PodsCreated++;
                var seed = $"{deployment.Namespace}/{deployment.Name}/{deployment.PodsCreated}";
                state.Pods.Add(new WorkloadPod
                {
                    Name = $"{deployment.Name}-{ReplicaSetHash(deployment)}-{KubeObjects.Uid(seed)[..5]}",
                    Namespace = deployment.Namespace,
                    Uid = KubeObjects.Uid("pod/" + seed),
                    Labels = new() { ["app"] = deployment.Name, ["pod-template-hash"] = ReplicaSetHash(deployment) },
                    Deployment = deployment.Name,
                    Image = deployment.Image,
                    CreatedAt = now,
                });
            }
        }
        foreach (var pod in state.Pods.Where(p => p.NodeName.Length == 0))
        {
            var node = Schedulable(state, now, grace)
                .OrderBy(n => state.Pods.Count(p => p.NodeName == n.Name && p.Deployment == pod.Deployment))
                .ThenBy(n => n.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (node is not null) pod.NodeName = node.Name;
        }
    }

    public static string ReplicaSetHash(DeploymentRecord deployment) => KubeObjects.Uid($"rs/{deployment.Namespace}/{deployment.Name}/{deployment.Image}").Replace("-", "", StringComparison.Ordinal)[..10];

    /// <summary>Registered, Ready, not cordoned, not being deleted, and without a NoSchedule taint.</summary>
    private static IEnumerable<NodeRecord> Schedulable(ClusterState state, DateTimeOffset now, TimeSpan grace) =>
        state.Nodes.Values.Where(n => n.RegisteredAt is not null && !n.Unschedulable && n.DeletionRequestedAt is null
            && ClusterRules.NodeReady(n, now, grace) == ReadyStatus.True
            && !n.Taints.Any(t => t.EndsWith(":NoSchedule", StringComparison.Ordinal) || t.EndsWith(":NoExecute", StringComparison.Ordinal)));

    /// <summary>A pod counts as healthy for a budget when it is bound to a Ready node.</summary>
    private static bool Healthy(ClusterState state, WorkloadPod pod, DateTimeOffset now, TimeSpan grace) =>
        pod.NodeName.Length > 0 && state.Nodes.TryGetValue(pod.NodeName, out var node) && ClusterRules.NodeReady(node, now, grace) == ReadyStatus.True;

    private static bool Selects(DisruptionBudget budget, WorkloadPod pod) =>
        budget.Namespace == pod.Namespace && budget.Selector.Count > 0 && budget.Selector.All(kv => pod.Labels.GetValueOrDefault(kv.Key) == kv.Value);

    /// <summary>The disruption controller's arithmetic: (expected pods, desired healthy, currently healthy, disruptions allowed).</summary>
    public static (int Expected, int Desired, int Healthy, int Allowed) Disruptions(ClusterState state, DisruptionBudget budget, DateTimeOffset now, TimeSpan grace)
    {
        var pods = state.Pods.Where(p => Selects(budget, p)).ToList();
        var expected = pods.Count;
        var healthy = pods.Count(p => Healthy(state, p, now, grace));
        var desired = budget.MinAvailable ?? Math.Max(0, expected - (budget.MaxUnavailable ?? 0));
        return (expected, desired, healthy, Math.Max(0, healthy - desired));
    }

    private static KubeResponse PatchNode(ClusterState state, string name, JsonNode? body, DateTimeOffset now, TimeSpan grace)
    {
        if (!Registered(state, name, out var node)) return NotFound("nodes", name);
        if (body?["spec"] is JsonObject spec && spec.ContainsKey("unschedulable"))
            node.Unschedulable = spec["unschedulable"] is { } unschedulable && unschedulable.GetValueKind() == System.Text.Json.JsonValueKind.True;
        return Ok(KubeObjects.Node(node, now, grace));
    }

    /// <summary>
    /// Deletes the node object. For an etcd node RKE2's managed etcd member removal controller (k3s
    /// pkg/etcd/member_controller.go, onRemove) removes its member first; while etcd refuses that, the finalizer keeps
    /// the node (Terminating) and is retried.
    /// </summary>
    private static KubeResponse DeleteNode(ClusterState state, string name, DateTimeOffset now, TimeSpan grace)
    {
        if (!Registered(state, name, out var node)) return NotFound("nodes", name);
        node.DeletionRequestedAt ??= now;
        FinishNodeDeletion(state, node, now, grace);
        // Held by the finalizer: the apiserver answers with the object, its deletionTimestamp set (apiserver
        // pkg/registry/generic/registry/store.go Delete: not deleted immediately → the updated object).
        if (state.Nodes.TryGetValue(name, out var held)) return Ok(KubeReads.WithVersion(KubeObjects.Node(held, now, grace)));
        return Ok(new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success",
            ["details"] = new JsonObject { ["name"] = name, ["kind"] = "nodes", ["uid"] = KubeObjects.Uid("node/" + name) },
        });
    }

    private static void FinishNodeDeletion(ClusterState state, NodeRecord node, DateTimeOffset now, TimeSpan grace)
    {
        if (node.Roles.Etcd && state.EtcdMembers.Any(m => m.Name == node.Name))
        {
            if (ClusterRules.MayRemoveMember(state, node.Name, now, grace) is not null) return;
            state.EtcdMembers.RemoveAll(m => m.Name == node.Name);
            state.JoinsInProgress.Remove(node.Name);
        }
        state.ApiServerAddresses.Remove(node.Name);
        state.Nodes.Remove(node.Name);
        state.DeletedNodes[node.Name] = node.DeletionRequestedAt ?? now;
    }

    /// <summary>POST pods/NAME/eviction: refused with 429 while a PodDisruptionBudget allows no disruption.</summary>
    private static KubeResponse Evict(ClusterState state, string ns, string name, DateTimeOffset now, TimeSpan grace)
    {
        var pod = state.Pods.FirstOrDefault(p => p.Namespace == ns && p.Name == name);
        if (pod is null) return NotFound("pods", name);
        var budgets = state.Budgets.Where(b => Selects(b, pod)).ToList();
        if (budgets.Count > 1) return Status(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        if (budgets.Count == 1 && Healthy(state, pod, now, grace))
        {
            var (_, desired, healthy, allowed) = Disruptions(state, budgets[0], now, grace);
            if (allowed < 1)
            {
                var status = Status(429, "TooManyRequests", PdbViolation);
                var json = JsonNode.Parse(status.Body)!;
                json["details"] = new JsonObject
                {
                    ["causes"] = new JsonArray(new JsonObject
                    {
                        ["reason"] = "DisruptionBudget",
                        ["message"] = $"The disruption budget {budgets[0].Name} needs {desired} healthy pods and has {healthy} currently",
                    }),
                };
                return new KubeResponse(429, json.ToJsonString());
            }
        }
        state.Pods.Remove(pod);
        return new KubeResponse(201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success", ["code"] = 201 }.ToJsonString());
    }

    private static KubeResponse DeletePod(ClusterState state, string ns, string name) =>
        state.Pods.RemoveAll(p => p.Namespace == ns && p.Name == name) == 0 ? NotFound("pods", name) : Ok(new JsonObject { ["kind"] = "Status", ["status"] = "Success" });

    private static KubeResponse CreateDeployment(ClusterState state, string ns, JsonNode? body, DateTimeOffset now)
    {
        var name = (string?)body?["metadata"]?["name"] ?? "";
        if (name.Length == 0) return Status(422, "Invalid", "Deployment.apps \"\" is invalid: metadata.name: Required value: name or generateName is required");
        if (state.Deployments.Any(d => d.Namespace == ns && d.Name == name)) return Status(409, "AlreadyExists", $"deployments.apps \"{name}\" already exists");
        var deployment = new DeploymentRecord
        {
            Name = name,
            Namespace = ns,
            Replicas = (int?)body?["spec"]?["replicas"] ?? 1,
            Image = (string?)body?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] ?? "",
            CreatedAt = now,
        };
        state.Deployments.Add(deployment);
        return new KubeResponse(201, KubeReads.WithVersion(KubeObjects.Deployment(state, deployment)).ToJsonString());
    }

    private static KubeResponse DeleteDeployment(ClusterState state, string ns, string name)
    {
        if (state.Deployments.RemoveAll(d => d.Namespace == ns && d.Name == name) == 0) return NotFound("deployments.apps", name);
        state.Pods.RemoveAll(p => p.Namespace == ns && p.Deployment == name);
        return Ok(new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success", ["details"] = new JsonObject { ["name"] = name, ["group"] = "apps", ["kind"] = "deployments" } });
    }

    private static KubeResponse CreateBudget(ClusterState state, string ns, JsonNode? body, DateTimeOffset now, TimeSpan grace)
    {
        var name = (string?)body?["metadata"]?["name"] ?? "";
        if (state.Budgets.Any(b => b.Namespace == ns && b.Name == name)) return Status(409, "AlreadyExists", $"poddisruptionbudgets.policy \"{name}\" already exists");
        var budget = new DisruptionBudget { Name = name, Namespace = ns, CreatedAt = now };
        if (body?["spec"]?["selector"]?["matchLabels"] is JsonObject labels)
            foreach (var (key, value) in labels) budget.Selector[key] = (string?)value ?? "";
        var error = ApplyBudgetSpec(budget, body?["spec"]);
        if (error is not null) return error;
        state.Budgets.Add(budget);
        return new KubeResponse(201, KubeReads.WithVersion(Budget(state, budget, now, grace)).ToJsonString());
    }

    private static KubeResponse PatchBudget(ClusterState state, string ns, string name, JsonNode? body, DateTimeOffset now, TimeSpan grace)
    {
        var budget = state.Budgets.FirstOrDefault(b => b.Namespace == ns && b.Name == name);
        if (budget is null) return NotFound("poddisruptionbudgets.policy", name);
        var (min, max) = (budget.MinAvailable, budget.MaxUnavailable);
        if (ApplyBudgetSpec(budget, body?["spec"]) is { } invalid)
        {
            (budget.MinAvailable, budget.MaxUnavailable) = (min, max);
            return invalid;
        }
        return Ok(KubeReads.WithVersion(Budget(state, budget, now, grace)));
    }

    /// <summary>A merge patch of minAvailable/maxUnavailable (null removes); both set is invalid, as in policy/v1 validation.</summary>
    private static KubeResponse? ApplyBudgetSpec(DisruptionBudget budget, JsonNode? spec)
    {
        if (spec is not JsonObject fields) return null;
        if (fields.ContainsKey("minAvailable")) budget.MinAvailable = fields["minAvailable"] is { } min ? int.Parse(min.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null;
        if (fields.ContainsKey("maxUnavailable")) budget.MaxUnavailable = fields["maxUnavailable"] is { } max ? int.Parse(max.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null;
        if (budget.MinAvailable is not null && budget.MaxUnavailable is not null)
            return Status(422, "Invalid", $"PodDisruptionBudget.policy \"{budget.Name}\" is invalid: spec: Invalid value: policy.PodDisruptionBudgetSpec{{...}}: minAvailable and maxUnavailable cannot be both set");
        return null;
    }

    private static KubeResponse DeleteBudget(ClusterState state, string ns, string name) =>
        state.Budgets.RemoveAll(b => b.Namespace == ns && b.Name == name) == 0
            ? NotFound("poddisruptionbudgets.policy", name)
            : Ok(new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success", ["details"] = new JsonObject { ["name"] = name, ["group"] = "policy", ["kind"] = "poddisruptionbudgets" } });

    public static JsonObject Budget(ClusterState state, DisruptionBudget budget, DateTimeOffset now, TimeSpan grace)
    {
        var (expected, desired, healthy, allowed) = Disruptions(state, budget, now, grace);
        var labels = new JsonObject();
        foreach (var (key, value) in budget.Selector) labels[key] = value;
        var spec = new JsonObject { ["selector"] = new JsonObject { ["matchLabels"] = labels } };
        if (budget.MinAvailable is { } min) spec["minAvailable"] = min;
        if (budget.MaxUnavailable is { } max) spec["maxUnavailable"] = max;
        return new JsonObject
        {
            ["apiVersion"] = "policy/v1",
            ["kind"] = "PodDisruptionBudget",
            ["metadata"] = new JsonObject
            {
                ["name"] = budget.Name, ["namespace"] = budget.Namespace, ["uid"] = KubeObjects.Uid($"pdb/{budget.Namespace}/{budget.Name}"),
                ["generation"] = 1, ["creationTimestamp"] = KubeObjects.Time(budget.CreatedAt),
            },
            ["spec"] = spec,
            ["status"] = new JsonObject { ["currentHealthy"] = healthy, ["desiredHealthy"] = desired, ["disruptionsAllowed"] = allowed, ["expectedPods"] = expected, ["observedGeneration"] = 1 },
        };
    }

    private static bool Registered(ClusterState state, string name, out NodeRecord node) =>
        state.Nodes.TryGetValue(name, out node!) && node.RegisteredAt is not null;

    private static KubeResponse Ok(JsonObject body) => new(200, body.ToJsonString());

    private static KubeResponse NotFound(string kind, string name) => new(404, KubeObjects.NotFound(kind, name).ToJsonString());

    private static KubeResponse Status(int code, string reason, string message) => new(code, new JsonObject
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
        ["message"] = message, ["reason"] = reason, ["code"] = code,
    }.ToJsonString());
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace Rke2Sim.Cluster;

/// <summary>Renders the cluster state as the Kubernetes API objects kubectl asks for (Node, Pod, lists).</summary>
public static class KubeObjects
{
    public static JsonObject NodeList(ClusterState state, DateTimeOffset now, TimeSpan grace) => List("NodeList",
        state.Nodes.Values.Where(n => n.RegisteredAt is not null).OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => Node(n, now, grace)));

    public static JsonObject Node(NodeRecord node, DateTimeOffset now, TimeSpan grace)
    {
        var ready = ClusterRules.NodeReady(node, now, grace);
        var (reason, message) = ready switch
        {
            ReadyStatus.True => ("KubeletReady", "kubelet is posting ready status"),
            ReadyStatus.False => ("KubeletNotReady", "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"),
            _ => ("NodeStatusUnknown", "Kubelet stopped posting node status."),
        };
        var labels = new JsonObject();
        foreach (var (key, value) in node.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)) labels[key] = value;
        var taints = new JsonArray();
        foreach (var taint in node.Taints) taints.Add(Taint(taint));
        if (ready == ReadyStatus.Unknown)
        {
            taints.Add(new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["effect"] = "NoSchedule" });
        }
        if (node.Unschedulable)
        {
            taints.Add(new JsonObject { ["key"] = "node.kubernetes.io/unschedulable", ["effect"] = "NoSchedule", ["timeAdded"] = Time(now) });
        }
        var created = Time(node.RegisteredAt ?? now);
        var spec = new JsonObject { ["taints"] = taints };
        if (node.Unschedulable) spec["unschedulable"] = true;
        var json = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = node.Name,
                ["uid"] = Uid("node/" + node.Name + "/" + created),
                ["creationTimestamp"] = created,
                ["labels"] = labels,
                ["annotations"] = Annotations(node),
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = ready.ToString(),
                    ["reason"] = reason,
                    ["message"] = message,
                    ["lastHeartbeatTime"] = Time(node.LastSeen),
                }),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = node.Address },
                    new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
                ["nodeInfo"] = new JsonObject
                {
                    ["kubeletVersion"] = node.Version,
                    ["kubeProxyVersion"] = node.Version,
                    ["containerRuntimeVersion"] = "containerd://2.0.5-k3s1",
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                    ["bootID"] = node.LastReport?.BootId ?? "",
                },
            },
        };
        if (node.DeletionRequestedAt is { } deleting)
        {
            json["metadata"]!["deletionTimestamp"] = Time(deleting);
            json["metadata"]!["finalizers"] = new JsonArray("wrangler.cattle.io/managed-etcd-controller");
        }
        return json;
    }

    private static JsonObject Annotations(NodeRecord node)
    {
        var annotations = new JsonObject();
        if (node.EncryptionAnnotation is { } hash) annotations[SecretsEncryption.HashAnnotation] = hash;
        annotations["rke2.io/node-address"] = node.Address;
        return annotations;
    }

    public static JsonObject PodList(ClusterState state, string? ns) => List("PodList",
        (ns is null or "kube-system" ? Pods(state) : []).Concat(state.Pods
            .Where(p => ns is null || p.Namespace == ns)
            .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(Workload)));

    /// <summary>A Deployment as the apps/v1 API returns it, its status counted from its pods (bound ones are ready).</summary>
    public static JsonObject Deployment(ClusterState state, DeploymentRecord deployment)
    {
        var pods = state.Pods.Where(p => p.Deployment == deployment.Name && p.Namespace == deployment.Namespace).ToList();
        var ready = pods.Count(p => p.NodeName.Length > 0);
        var hash = KubeApi.ReplicaSetHash(deployment);
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject
            {
                ["name"] = deployment.Name,
                ["namespace"] = deployment.Namespace,
                ["uid"] = Uid($"deployment/{deployment.Namespace}/{deployment.Name}"),
                ["creationTimestamp"] = Time(deployment.CreatedAt),
                ["generation"] = 1,
                ["labels"] = new JsonObject { ["app"] = deployment.Name },
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = deployment.Replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = deployment.Name } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = deployment.Name } },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = ContainerName(deployment.Image), ["image"] = deployment.Image }) },
                },
            },
            ["status"] = new JsonObject
            {
                ["observedGeneration"] = 1,
                ["replicas"] = pods.Count,
                ["updatedReplicas"] = pods.Count(p => p.Labels.GetValueOrDefault("pod-template-hash") == hash),
                ["readyReplicas"] = ready,
                ["availableReplicas"] = ready,
                ["unavailableReplicas"] = Math.Max(0, deployment.Replicas - ready),
            },
        };
    }

    /// <summary>kubectl create deployment names the container after the image: its last path segment without the tag.</summary>
    public static string ContainerName(string image) => image.Split('/')[^1].Split(':', '@')[0];

    /// <summary>A Deployment's pod: owned by its ReplicaSet (drain evicts it); Pending while no node can take it.</summary>
    private static JsonObject Workload(WorkloadPod pod)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in pod.Labels) labels[key] = value;
        var metadata = new JsonObject
        {
            ["name"] = pod.Name,
            ["namespace"] = pod.Namespace,
            ["uid"] = pod.Uid,
            ["creationTimestamp"] = Time(pod.CreatedAt),
            ["labels"] = labels,
        };
        if (pod.Deployment is { } deployment)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = $"{deployment}-{pod.Labels.GetValueOrDefault("pod-template-hash")}",
                ["controller"] = true, ["blockOwnerDeletion"] = true,
            });
        }
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = ContainerName(pod.Image), ["image"] = pod.Image }) };
        if (pod.NodeName.Length > 0) spec["nodeName"] = pod.NodeName;
        var running = pod.NodeName.Length > 0;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["phase"] = running ? "Running" : "Pending",
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = ContainerName(pod.Image),
                    ["ready"] = running,
                    ["restartCount"] = 0,
                    ["state"] = running ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Time(pod.CreatedAt) } } : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "Unschedulable" } },
                }),
            },
        };
    }

    private static IEnumerable<JsonObject> Pods(ClusterState state)
    {
        foreach (var node in state.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (node.LastReport is null) continue;
            var latestPerPod = node.LastReport.Containers
                .GroupBy(c => c.PodName)
                .Select(g => g.OrderBy(c => c.CreatedAtNs).Last());
            foreach (var container in latestPerPod.OrderBy(c => c.PodName, StringComparer.Ordinal))
            {
                yield return Pod(node, container);
            }
        }
    }

    private static JsonObject Pod(NodeRecord node, ContainerRecord container)
    {
        var started = Time(DateTimeOffset.FromUnixTimeMilliseconds(container.CreatedAtNs / 1_000_000));
        var state = container.Running
            ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = started } }
            : new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed" } };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = container.PodName,
                ["namespace"] = "kube-system",
                ["uid"] = container.PodUid,
                ["creationTimestamp"] = started,
                ["labels"] = new JsonObject { ["component"] = container.Name, ["tier"] = "control-plane" },
                // A static pod's API object is its mirror pod, owned by the node; drain skips mirror pods.
                ["annotations"] = new JsonObject { ["kubernetes.io/config.mirror"] = container.PodUid },
                ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["name"] = node.Name, ["controller"] = true }),
            },
            ["spec"] = new JsonObject
            {
                ["nodeName"] = node.Name,
                ["containers"] = new JsonArray(new JsonObject { ["name"] = container.Name, ["image"] = container.Image }),
            },
            ["status"] = new JsonObject
            {
                ["phase"] = container.Running ? "Running" : "Pending",
                ["startTime"] = started,
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = container.Name,
                    ["ready"] = container.Running,
                    ["restartCount"] = container.Attempt,
                    ["state"] = state,
                }),
            },
        };
    }

    public static JsonObject NotFound(string kind, string name) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["status"] = "Failure",
        ["message"] = $"{kind} \"{name}\" not found",
        ["reason"] = "NotFound",
        ["details"] = new JsonObject { ["name"] = name, ["kind"] = kind },
        ["code"] = 404,
    };

    private static JsonObject List(string kind, IEnumerable<JsonObject> items)
    {
        var array = new JsonArray();
        foreach (var item in items) array.Add(item);
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = kind, ["metadata"] = new JsonObject { ["resourceVersion"] = "" }, ["items"] = array };
    }

    private static JsonObject Taint(string text)
    {
        // key=value:Effect or key:Effect
        var colon = text.LastIndexOf(':');
        var effect = colon >= 0 ? text[(colon + 1)..] : "NoSchedule";
        var keyValue = colon >= 0 ? text[..colon] : text;
        var eq = keyValue.IndexOf('=');
        var taint = new JsonObject { ["key"] = eq >= 0 ? keyValue[..eq] : keyValue };
        if (eq >= 0) taint["value"] = keyValue[(eq + 1)..];
        taint["effect"] = effect;
        return taint;
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Uid(string seed)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}

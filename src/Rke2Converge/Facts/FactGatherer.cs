using System.Diagnostics;
using Rke2Converge.Model;
using Rke2Converge.Remote;

namespace Rke2Converge.Facts;

/// <summary>One host to read: where, through which shell, and which sysctls the playbook cares about there.</summary>
internal sealed record FactRequest(NodeSpec Node, IRemoteShell Shell, IReadOnlyCollection<string> SysctlKeys)
{
    /// <summary>Resources whose state is read in the same round trip.</summary>
    public IReadOnlyList<Resources.Resource> Resources { get; init; } = [];

    /// <summary>Also list the cluster's nodes through this server's admin kubeconfig (asked of one server per plan).</summary>
    public bool ReadClusterNodes { get; init; }
}

/// <summary>
/// Reads facts from many hosts at once, one round trip each, at most <see cref="MaxParallel"/> at a time.
/// Every host is tried; failures are reported together, per host.
/// </summary>
internal sealed class FactGatherer
{
    public const int DefaultMaxParallel = 16;

    public FactGatherer(int maxParallel = DefaultMaxParallel, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallel, 1);
        MaxParallel = maxParallel;
        Timeout = timeout ?? TimeSpan.FromSeconds(30);
    }

    public int MaxParallel { get; }

    /// <summary>How long one host's fact script may run.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// When set, every file read from a host (config.yaml, its drop-ins, each resource's file) is handed to it the moment
    /// the host's facts are parsed, so secrets on the host (an old token or registry password) are masked in all output.
    /// </summary>
    public Logging.SecretRedactor? Redactor { get; init; }

    /// <summary>Facts by node name.</summary>
    /// <exception cref="FactGatheringException">One or more hosts failed; lists each with its reason.</exception>
    public async Task<IReadOnlyDictionary<string, HostFacts>> GatherAsync(
        IEnumerable<FactRequest> requests, CancellationToken cancellationToken)
    {
        var gathered = await GatherEachAsync(requests, cancellationToken).ConfigureAwait(false);
        if (gathered.Failures.Count > 0) throw new FactGatheringException(gathered.Failures, gathered.Facts.Count + gathered.Failures.Count);
        return gathered.Facts;
    }

    /// <summary>Facts of every host that answered, and why each other host did not: one unreachable host hides no one's plan.</summary>
    public async Task<GatheredFacts> GatherEachAsync(IEnumerable<FactRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var all = requests.ToList();
        var duplicate = all.GroupBy(r => r.Node.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"node '{duplicate.Key}' is listed twice", nameof(requests));

        var outcomes = new (HostFacts? Facts, Exception? Failure)[all.Count];
        var timings = new HostTiming[all.Count];
        var started = Stopwatch.GetTimestamp();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxParallel, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, all.Count), parallel, async (index, token) =>
        {
            var clock = new HostClock(Stopwatch.GetElapsedTime(started));
            try
            {
                outcomes[index] = (await GatherOneAsync(all[index], clock, token).ConfigureAwait(false), null);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                outcomes[index] = (null, e);
            }
            timings[index] = clock.Finish(all[index].Node.Name, outcomes[index].Failure is not null);
        }).ConfigureAwait(false);

        var failures = all.Zip(outcomes)
            .Where(pair => pair.Second.Failure is not null)
            .Select(pair => new FactFailure(pair.First.Node.Name, pair.Second.Failure!))
            .ToList();
        var facts = all.Zip(outcomes)
            .Where(pair => pair.Second.Failure is null)
            .ToDictionary(pair => pair.First.Node.Name, pair => pair.Second.Facts!, StringComparer.Ordinal);
        return new GatheredFacts(facts, failures) { Timings = timings };
    }

    private async Task<HostFacts> GatherOneAsync(FactRequest request, HostClock clock, CancellationToken cancellationToken)
    {
        var command = FactScript.Build(request.SysctlKeys, [.. request.Resources.Select(r => r.FactFragment(request.Node))], Timeout, request.ReadClusterNodes);
        var result = await request.Shell.RunCheckedAsync(command, cancellationToken).ConfigureAwait(false);
        clock.Answered();
        var facts = FactParser.Parse(request.Node.Name, result.Stdout, command.Arguments, request.Resources);
        if (Redactor is { } redactor)
        {
            foreach (var text in HostTexts(facts)) redactor.RegisterHostFile(text);
        }
        return facts;
    }

    /// <summary>Every text a host sent back that came from a file or a log on it.</summary>
    public static IEnumerable<string> HostTexts(HostFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.ConfigYaml is { } config) yield return config;
        foreach (var dropIn in facts.ConfigDropIns) yield return dropIn.Content;
        if (facts.ManagedSysctlFile is { } sysctls) yield return sysctls;
        if (facts.Crash is { } crash) yield return crash.Line;
        foreach (var state in facts.Resources.Values)
        {
            if (state is Resources.FileState { Content: { } content }) yield return content;
            if (state is Resources.KernelModuleState { File.Content: { } module }) yield return module;
        }
    }

    private sealed class HostClock(TimeSpan waitedForSlot)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private TimeSpan? _roundTrip;

        public void Answered() => _roundTrip = Stopwatch.GetElapsedTime(_started);

        public HostTiming Finish(string node, bool failed)
        {
            var total = Stopwatch.GetElapsedTime(_started);
            var roundTrip = _roundTrip ?? total;
            return new HostTiming(node, waitedForSlot, roundTrip, total - roundTrip, failed);
        }
    }
}

/// <summary>The facts of the hosts that answered and the failures of those that did not.</summary>
internal sealed record GatheredFacts(IReadOnlyDictionary<string, HostFacts> Facts, IReadOnlyList<FactFailure> Failures)
{
    /// <summary>One per host asked, in the order asked.</summary>
    public IReadOnlyList<HostTiming> Timings { get; init; } = [];
}

/// <summary>Why one host's facts could not be read.</summary>
internal sealed record FactFailure(string Node, Exception Error)
{
    // Transport and parse errors already start with the node name; others get their type so bugs stay visible.
    public string Reason => Error switch
    {
        RemoteException or FactParseException when Error.Message.StartsWith(Node + ": ", StringComparison.Ordinal)
            => Error.Message[(Node.Length + 2)..],
        RemoteException or FactParseException => Error.Message,
        _ => $"{Error.GetType().Name}: {Error.Message}",
    };
}

/// <summary>Facts could not be read from some hosts; <see cref="Failures"/> lists every one of them.</summary>
internal sealed class FactGatheringException(IReadOnlyList<FactFailure> failures, int hostCount)
    : Exception(Describe(failures, hostCount))
{
    public IReadOnlyList<FactFailure> Failures { get; } = failures;

    public static string Describe(IReadOnlyList<FactFailure> failures, int hostCount) =>
        $"could not gather facts from {failures.Count} of {hostCount} hosts:\n" +
        string.Join('\n', failures.Select(f => $"  {f.Node}: {Indent(f.Reason)}"));

    private static string Indent(string text) => text.Replace("\n", "\n    ", StringComparison.Ordinal);
}

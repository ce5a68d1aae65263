using Rke2Converge.Cli.Output;
using Rke2Converge.Facts;
using Rke2Converge.Logging;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Plan.Limit;
using Rke2Converge.Playbooks;
using Rke2Converge.Remote;
using Rke2Converge.Remote.SshNet;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Observers;
using Rke2Converge.KeyRotation;
using Rke2Converge.Templates;
using Serilog.Events;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>A playbook that compiled, validated and had its secrets resolved: nothing has touched a host yet.</summary>
internal sealed record LoadedCluster(ClusterModel Model, IReadOnlyList<NodeDesiredState> Desired, SecretResolver Secrets, Planner Planner);

/// <summary>A checked playbook: the model when it has no errors, and every error and warning as printed.</summary>
internal sealed record PlaybookCheck(ClusterModel? Model, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>The templates the node files are rendered from (set when the check passed).</summary>
    public TemplateRenderer? Templates { get; init; }

    /// <summary>Each node's desired state (set when the check passed).</summary>
    public IReadOnlyList<NodeDesiredState>? Desired { get; init; }
}

/// <summary>
/// The stages every command shares, in data-flow order: playbook → model (validated) → facts → plan.
/// Each stage reports its own errors and returns null, so no later stage (and no host) is reached after a failure.
/// </summary>
internal sealed class Pipeline : IAsyncDisposable
{
    private readonly Dictionary<string, IRemoteShell> _shells = new(StringComparer.Ordinal);
    private IRemoteShellFactory? _shellFactory;

    private Pipeline(RunOptions options, Serilog.Core.Logger log, string logFile, SecretRedactor redactor)
    {
        Options = options;
        Log = log;
        LogFile = logFile;
        Redactor = redactor;
        var json = options.Output == OutputFormat.Json;
        Human = json
            ? Terminal.Create(Console.Error, Console.IsErrorRedirected, options.NoColor)
            : Terminal.Create(Console.Out, Console.IsOutputRedirected, options.NoColor);
        // The live table redraws with cursor control: only for a person at a terminal asking for text.
        Interactive = !json && Terminal.Styled(Console.IsOutputRedirected, options.NoColor);
        _stderr = Terminal.Create(Console.Error, Console.IsErrorRedirected, options.NoColor);
    }

    private readonly IAnsiConsole _stderr;

    public RunOptions Options { get; }

    public Serilog.Core.Logger Log { get; }

    public string LogFile { get; }

    public SecretRedactor Redactor { get; }

    /// <summary>Where people-facing output goes: stdout for text, stderr when stdout carries JSON.</summary>
    public IAnsiConsole Human { get; }

    public bool Interactive { get; }

    public RunTimings Timings { get; } = new();

    public static Pipeline Start(string command, RunOptions options)
    {
        var redactor = new SecretRedactor();
        // Everything printed from here on passes the one redactor, whichever code prints it.
        Console.SetOut(new RedactingWriter(Unwrapped(Console.Out, ref _installedOut), redactor));
        _installedOut = (Console.Out, _installedOut.Inner);
        Console.SetError(new RedactingWriter(Unwrapped(Console.Error, ref _installedError), redactor));
        _installedError = (Console.Error, _installedError.Inner);
        var (log, file) = RunLog.Create(command, options.LogDirectory, options.Verbose ? LogEventLevel.Information : LogEventLevel.Warning, redactor);
        log.Information("rke2c {Command} {Playbook}", command, options.PlaybookPath);
        var pruned = RunLog.Prune(Path.GetDirectoryName(file)!, RunLog.KeepCount(options.KeepLogs));
        if (pruned.Count > 0) log.Information("Removed {Count} old run log(s)", pruned.Count);
        return new Pipeline(options, log, file, redactor);
    }

    public IRemoteShell ShellFor(string node) => _shells[node];

    /// <summary>Reads an answer from stdin after the question printed so far has been flushed past the redactor.</summary>
    public static string? ReadLine()
    {
        Console.Out.Flush();
        Console.Error.Flush();
        return Console.ReadLine();
    }

    /// <summary>Asks <paramref name="question"/> (markup) with <c>[y/N]</c>; true only for y or yes.</summary>
    public bool Confirm(string question)
    {
        Human.Markup($"[bold]{question} [[y/N]][/] ");
        return ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes";
    }

    /// <summary>
    /// What a day-2 runner built of steps needs to drive the rollout (key rotation, restore): the rollout's settings
    /// with apply's observers, and where its step lines go. With <c>-o json</c> stdout carries the document only, so
    /// progress goes to stderr, as apply's does.
    /// </summary>
    public (RolloutSettings Settings, Action<string> Progress) StepRollout(LoadedCluster cluster, IChangeExecutor executor)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(executor);
        var output = Options.Output == OutputFormat.Json ? Console.Error : Console.Out;
        var observer = new CompositeObserver(
            new LoggingObserver(Log.ForContext(RunLog.AlreadyPrinted, true), executor.IsDryRun), new PlainProgress(output, executor.IsDryRun));
        var settings = new RolloutSettings(executor, cluster.Planner, cluster.Model.Artifacts, cluster.Model.Gates, observer, Log) { Redact = Redactor.Redact };
        return (settings, line =>
        {
            Log.Information("{Step}", line);
            output.WriteLine(Redactor.Redact(line));
        });
    }

    private static (TextWriter? Installed, TextWriter? Inner) _installedOut, _installedError;

    // An earlier run's redacting writer (commands run in one test process) is replaced, not stacked.
    private static TextWriter Unwrapped(TextWriter current, ref (TextWriter? Installed, TextWriter? Inner) installed)
    {
        var inner = ReferenceEquals(current, installed.Installed) && installed.Inner is not null ? installed.Inner : current;
        installed = (null, inner);
        return inner;
    }

    /// <summary>True, each pattern named as an error, when --limit has a pattern that selects none of the playbook's nodes.</summary>
    public bool RefusesUnmatchedLimit(ClusterModel model)
    {
        if (Options.Limit?.Unmatched(model.Nodes) is not { Count: > 0 } unmatched) return false;
        foreach (var problem in unmatched) Error(problem);
        return true;
    }

    /// <summary>Compiles and validates the playbook, checks the templates and resolves its secrets.</summary>
    public async Task<LoadedCluster?> LoadAsync(CancellationToken cancellationToken)
    {
        var check = await CheckAsync(cancellationToken).ConfigureAwait(false);
        if (check.Model is not { } model || check.Templates is not { } templates || check.Desired is not { } desired) return null;

        if (RefusesUnmatchedLimit(model)) return null;

        var secrets = new SecretResolver(Redactor.Register);
        var secretProblems = secrets.ResolveAll(model);
        foreach (var problem in secretProblems) Error($"{Options.PlaybookAsGiven}: {problem}");
        if (secretProblems.Count > 0) return null;

        var planner = new Planner(model.Name, templates, secrets.Reveal, model.RegistrationAddress, model.Gates.Custom) { RotatesToken = Options.RotatesToken };
        var renderErrors = planner.CheckTemplates(desired);
        foreach (var renderError in renderErrors) Error(renderError.ToString());
        if (renderErrors.Count > 0) return null;
        return new LoadedCluster(model, desired, secrets, planner);
    }

    /// <summary>
    /// Compiles, runs and validates the playbook and renders every node's files from the templates with secrets
    /// masked, printing every problem (errors and warnings on stderr). Touches no host and reads no secret, so
    /// <c>validate</c> needs neither.
    /// </summary>
    public async Task<PlaybookCheck> CheckAsync(CancellationToken cancellationToken)
    {
        var loaderOptions = new PlaybookLoaderOptions();
        if (Options.EvalTimeout is { } timeout) loaderOptions = loaderOptions with { EvaluationTimeout = timeout };
        var loaded = await Timings.MeasureAsync("playbook", () => new PlaybookLoader(loaderOptions).LoadAsync(Options.PlaybookPath, cancellationToken)).ConfigureAwait(false);
        if (loaded.Model is null)
        {
            var diagnostics = loaded.Diagnostics.Select(d => d.ToString()).DefaultIfEmpty($"{Options.PlaybookAsGiven}: error: the playbook could not be loaded").ToList();
            return Failed(diagnostics, []);
        }
        Log.Information("Playbook loaded ({Cache})", loaded.CacheHit ? "compiled cache hit" : "compiled");
        var model = loaded.Model;
        if (Options.KnownHostsFile is not null) model = model with { KnownHostsFile = Options.KnownHostsFile };

        return Timings.Measure("validate and render", () => Check(model));
    }

    private PlaybookCheck Check(ClusterModel model)
    {
        var problems = new ModelValidator().Validate(model);
        var warnings = problems.Where(p => p.Severity == Severity.Warning).Select(p => p.ToString()).ToList();
        foreach (var warning in warnings) Warning(warning);
        var errors = problems.Where(p => p.Severity == Severity.Error).Select(p => p.ToString()).ToList();
        if (errors.Count > 0) return Failed(errors, warnings);

        TemplateRenderer templates;
        try
        {
            templates = TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(Options.PlaybookAsGiven));
        }
        catch (DirectoryNotFoundException error)
        {
            return Failed([error.Message], warnings);
        }
        catch (TemplateException error)
        {
            return Failed([.. error.Errors.Select(e => e.ToString())], warnings);
        }
        foreach (var (name, file) in templates.Sources.Where(source => !source.Value.StartsWith("built-in", StringComparison.Ordinal)))
        {
            Log.Information("Template {Template} read from {File}", name, file);
        }
        if (SshTransportChoice.Resolve(Options.Transport, model.Transport) == SshTransport.OpenSsh
            && ControlDirectory.Prepare(new OpenSshOptions().ControlDirectory) is { } unsafeDirectory)
        {
            return Failed([unsafeDirectory], warnings);
        }
        var desired = DesiredStateBuilder.Build(model);
        if (Options.RestartsNodes != RequestedRestart.None) desired = [.. desired.Select(node => node with { RestartRequested = Options.RestartsNodes })];
        var renderErrors = new Planner(model.Name, templates, _ => SecretValue.Mask, model.RegistrationAddress).CheckTemplates(desired);
        if (renderErrors.Count > 0) return Failed([.. renderErrors.Select(e => e.ToString())], warnings);
        return new PlaybookCheck(model, [], warnings) { Templates = templates, Desired = desired };
    }

    private PlaybookCheck Failed(IReadOnlyList<string> errors, IReadOnlyList<string> warnings)
    {
        foreach (var error in errors) Error(error);
        return new PlaybookCheck(null, errors, warnings);
    }

    /// <summary>True, having said why, when a run that would ask cannot: stdin is not a terminal and --yes was not given.</summary>
    public bool CannotAsk(string verb, bool yes)
    {
        if (yes || !Console.IsInputRedirected) return false;
        Error($"stdin is not a terminal; pass --yes to {verb} without asking. Nothing was changed.");
        return true;
    }

    /// <summary>
    /// Takes rke2c's lock on <paramref name="nodes"/> for <paramref name="holderCommand"/>, runs <paramref name="whileLocked"/>
    /// and releases the lock whatever happens. A refusal is reported and nothing runs; Ctrl-C ends with <paramref name="interrupted"/>.
    /// </summary>
    public async Task<int> UnderClusterLockAsync(
        IChangeExecutor executor, string holderCommand, IEnumerable<string> nodes, bool forceUnlock, string interrupted,
        Func<LockAttempt, Task<int>> whileLocked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(whileLocked);
        var clusterLock = new ClusterLock(executor, ShellFor, LockHolder.ForThisProcess(holderCommand));
        try
        {
            var attempt = await Timings.MeasureAsync("lock", () => clusterLock.AcquireAsync([.. nodes], forceUnlock, cancellationToken)).ConfigureAwait(false);
            foreach (var warning in attempt.Warnings) Log.Warning("{Message}", warning);
            if (!attempt.Acquired)
            {
                Error(attempt.Refusal!);
                return ExitCodes.Error;
            }
            return await whileLocked(attempt).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Error(interrupted);
            return ExitCodes.Interrupted;
        }
        finally
        {
            foreach (var warning in await clusterLock.ReleaseAsync().ConfigureAwait(false)) Log.Warning("{Message}", warning);
        }
    }

    /// <summary>Opens a shell to every node (connections are made on first use); nodes already open are kept.</summary>
    public void OpenShells(ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _shellFactory ??= ShellFactory(model);
        foreach (var node in model.Nodes.Where(node => !_shells.ContainsKey(node.Name)))
        {
            _shells[node.Name] = _shellFactory.Open(node, model.SshDefaults, model.KnownHostsFile);
        }
    }

    private IRemoteShellFactory ShellFactory(ClusterModel model)
    {
        var transport = SshTransportChoice.Resolve(Options.Transport, model.Transport);
        var source = Options.Transport is not null ? "--transport" : model.Transport is not null ? "playbook" : "default";
        Log.Information("Transport {Transport} ({Source})", transport, source);
        return transport == SshTransport.SshNet ? new SshNetShellFactory() : new OpenSshShellFactory();
    }

    /// <summary>
    /// Reads every host's facts (one round trip each, in parallel) and plans. A host that cannot be read gets a problem
    /// in the plan, next to the others' plans; missing release artifacts are a plan problem too, found before any change.
    /// </summary>
    public async Task<ClusterPlan> PlanAsync(LoadedCluster cluster, CancellationToken cancellationToken) =>
        (await ProgramAsync(cluster, cancellationToken).ConfigureAwait(false)).Plan;

    /// <summary>The plan and the steps apply runs for it, derived once: what is shown is what runs.</summary>
    public async Task<RolloutProgram> ProgramAsync(LoadedCluster cluster, CancellationToken cancellationToken)
    {
        var plan = await FactsAndPlanAsync(cluster, cancellationToken).ConfigureAwait(false);
        return RolloutProgram.Build(plan, cluster.Planner, cluster.Model.Artifacts, cluster.Model.Gates, cluster.Model.AgentBatching, Redactor.Redact);
    }

    private async Task<ClusterPlan> FactsAndPlanAsync(LoadedCluster cluster, CancellationToken cancellationToken)
    {
        var model = cluster.Model;
        OpenShells(model);
        var clusterNodesFrom = Kubeconfig.AdminKubeconfig.Source(model)?.Name;
        var requests = cluster.Desired.Select(d => new FactRequest(d.Node, _shells[d.Name], [.. d.Sysctls.Keys])
        {
            Resources = d.Resources,
            ReadClusterNodes = d.Name == clusterNodesFrom,
        });
        var gathered = await Timings.MeasureAsync("facts", () => new FactGatherer(Options.Parallel) { Redactor = Redactor }.GatherEachAsync(requests, cancellationToken)).ConfigureAwait(false);
        Timings.Record(gathered.Timings);
        foreach (var host in gathered.Timings)
        {
            Log.Debug("Facts {Outcome} {Node}: waited {WaitedMs} ms for a slot, round trip {RoundTripMs} ms, parse {ParseMs} ms",
                host.Failed ? "failed from" : "read from", host.Node, Milliseconds(host.WaitedForSlot), Milliseconds(host.RoundTrip), Milliseconds(host.Parse));
        }
        if (gathered.Failures.Count > 0) Error(FactGatheringException.Describe(gathered.Failures, cluster.Desired.Count));
        var plan = Timings.Measure("plan", () =>
        {
            var planned = cluster.Planner.Plan(cluster.Desired, gathered.Facts, gathered.Failures.ToDictionary(f => f.Node, f => f.Reason, StringComparer.Ordinal));
            var unmanaged = UnmanagedNodes.Notes(model.Nodes.Select(n => n.Name), gathered.Facts, model.Removals.Select(r => r.Name));
            if (unmanaged.Count > 0) planned = planned with { Notes = [.. planned.Notes, .. unmanaged] };
            var withDrift = WithRotationDrift(planned, cluster, gathered.Facts);
            return Options.Limit is { } limit ? LimitedPlan.Apply(withDrift, limit) : withDrift;
        });
        var artifactProblems = await Timings.MeasureAsync("artifact check", () => ArtifactCheck.ProblemsAsync(plan, model.Artifacts, ShellFor, cancellationToken)).ConfigureAwait(false);
        return artifactProblems.Count == 0 ? plan : plan with { Problems = [.. plan.Problems, .. artifactProblems] };
    }

    /// <summary>The servers in join order, as a key rotation restarts them.</summary>
    public static IReadOnlyList<RotationServer> RotationServers(LoadedCluster cluster) =>
        [.. cluster.Desired.Where(d => d.Role.IsServer()).Select(d => new RotationServer(d.Name, d.Role))];

    private ClusterPlan WithRotationDrift(ClusterPlan plan, LoadedCluster cluster, IReadOnlyDictionary<string, HostFacts> facts)
    {
        var status = RotationDrift.Status(facts);
        var problems = RotationDrift.Problems(status, RotationProcedure.RestartOrder(RotationServers(cluster), plan.Version), Options.PlaybookAsGiven);
        if (problems.Count == 0) return plan;
        return plan with
        {
            Hosts = [.. plan.Hosts.Select(host => host.Node == status!.Server ? host with { Unresolved = [.. host.Unresolved, .. problems] } : host)],
        };
    }

    private static long Milliseconds(TimeSpan elapsed) => (long)elapsed.TotalMilliseconds;

    /// <summary>With -o json, the run's one document on stdout; with text output, nothing.</summary>
    public void WriteJson(System.Text.Json.Nodes.JsonObject document)
    {
        if (Options.Output == OutputFormat.Json) JsonOutput.Write(document);
    }

    public void Warning(string message)
    {
        var redacted = Redactor.Redact(message);
        Log.ForContext(RunLog.AlreadyPrinted, true).Warning("{Message}", redacted);
        _stderr.MarkupLine($"[yellow]{Terminal.Escape(redacted)}[/]");
    }

    public void Error(string message)
    {
        var redacted = Redactor.Redact(message);
        Log.ForContext(RunLog.AlreadyPrinted, true).Error("{Message}", redacted);
        Console.Error.WriteLine(redacted.StartsWith("error", StringComparison.Ordinal) || redacted.Contains(": error", StringComparison.Ordinal) ? redacted : $"error: {redacted}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shell in _shells.Values) await shell.DisposeAsync().ConfigureAwait(false);
        if (Options.Timings)
        {
            foreach (var line in Timings.Summary()) Console.Error.WriteLine(line);
        }
        Log.Information("Log written to {LogFile}", LogFile);
        await Log.DisposeAsync().ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        await Console.Error.FlushAsync().ConfigureAwait(false);
    }
}

using Rke2Converge.Cli.Output;
using Rke2Converge.Facts;
using Rke2Converge.Logging;
using Rke2Converge.Model;
using Rke2Converge.Model.Validation;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Desired;
using Rke2Converge.Playbooks;
using Rke2Converge.Remote;
using Rke2Converge.Remote.SshNet;
using Rke2Converge.Rollout;
using Rke2Converge.Templates;
using Serilog.Events;
using Spectre.Console;

namespace Rke2Converge.Cli.Commands;

/// <summary>A playbook that compiled, validated and had its secrets resolved: nothing has touched a host yet.</summary>
public sealed record LoadedCluster(ClusterModel Model, IReadOnlyList<NodeDesiredState> Desired, SecretResolver Secrets, Planner Planner);

/// <summary>
/// The stages every command shares, in data-flow order: playbook → model (validated) → facts → plan.
/// Each stage reports its own errors and returns null, so no later stage (and no host) is reached after a failure.
/// </summary>
public sealed class Pipeline : IAsyncDisposable
{
    private readonly Dictionary<string, IRemoteShell> _shells = new(StringComparer.Ordinal);
    private readonly IRemoteShellFactory _shellFactory;

    private Pipeline(RunOptions options, Serilog.Core.Logger log, string logFile, SecretRedactor redactor)
    {
        Options = options;
        _shellFactory = options.Transport == Transport.SshNet ? new SshNetShellFactory() : new OpenSshShellFactory();
        Log = log;
        LogFile = logFile;
        Redactor = redactor;
        var humanOut = options.Output == OutputFormat.Json ? Console.Error : Console.Out;
        Human = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(humanOut) });
        Interactive = options.Output == OutputFormat.Text && !Console.IsOutputRedirected;
        // Piped output goes to logs and scripts: one line per item, never wrapped at a guessed 80 columns.
        if (!Interactive) Human.Profile.Width = RedirectedWidth;
    }

    private const int RedirectedWidth = 4096;

    public RunOptions Options { get; }

    public Serilog.Core.Logger Log { get; }

    public string LogFile { get; }

    public SecretRedactor Redactor { get; }

    /// <summary>Where people-facing output goes: stdout for text, stderr when stdout carries JSON.</summary>
    public IAnsiConsole Human { get; }

    public bool Interactive { get; }

    public static Pipeline Start(string command, RunOptions options)
    {
        var redactor = new SecretRedactor();
        var (log, file) = RunLog.Create(command, options.LogDirectory, options.Verbose ? LogEventLevel.Information : LogEventLevel.Warning, redactor);
        log.Information("rke2c {Command} {Playbook}", command, options.PlaybookPath);
        return new Pipeline(options, log, file, redactor);
    }

    public IRemoteShell ShellFor(string node) => _shells[node];

    /// <summary>Compiles and validates the playbook and resolves its secrets.</summary>
    public async Task<LoadedCluster?> LoadAsync(CancellationToken cancellationToken)
    {
        var loaded = await new PlaybookLoader().LoadAsync(Options.PlaybookPath, cancellationToken).ConfigureAwait(false);
        if (loaded.Model is null)
        {
            foreach (var diagnostic in loaded.Diagnostics) Error(diagnostic.ToString());
            return null;
        }
        Log.Information("Playbook loaded ({Cache})", loaded.CacheHit ? "compiled cache hit" : "compiled");
        var model = loaded.Model;
        if (Options.KnownHostsFile is not null) model = model with { KnownHostsFile = Options.KnownHostsFile };

        var problems = new ModelValidator().Validate(model);
        foreach (var warning in problems.Where(p => p.Severity == Severity.Warning)) Human.MarkupLine($"[yellow]{Markup.Escape(warning.ToString())}[/]");
        var errors = problems.Where(p => p.Severity == Severity.Error).ToList();
        foreach (var error in errors) Error(error.ToString());
        if (errors.Count > 0) return null;

        var secrets = new SecretResolver(Redactor.Register);
        var secretProblems = secrets.ResolveAll(model);
        foreach (var problem in secretProblems) Error($"{Options.PlaybookAsGiven}: {problem}");
        if (secretProblems.Count > 0) return null;

        TemplateRenderer templates;
        try
        {
            templates = TemplateRenderer.Load(TemplateRenderer.OverrideDirectories(Options.PlaybookAsGiven));
        }
        catch (DirectoryNotFoundException error)
        {
            Error(error.Message);
            return null;
        }
        catch (TemplateException error)
        {
            foreach (var templateError in error.Errors) Error(templateError.ToString());
            return null;
        }
        foreach (var (name, file) in templates.Sources.Where(source => !source.Value.StartsWith("built-in", StringComparison.Ordinal)))
        {
            Log.Information("Template {Template} read from {File}", name, file);
        }
        var planner = new Planner(model.Name, templates, secrets.Reveal, model.RegistrationAddress);
        var desired = DesiredStateBuilder.Build(model);
        var renderErrors = planner.CheckTemplates(desired);
        foreach (var renderError in renderErrors) Error(renderError.ToString());
        if (renderErrors.Count > 0) return null;
        return new LoadedCluster(model, desired, secrets, planner);
    }

    /// <summary>
    /// Reads every host's facts (one round trip each, in parallel) and plans. A host that cannot be read gets a problem
    /// in the plan, next to the others' plans; missing release artifacts are a plan problem too, found before any change.
    /// </summary>
    public async Task<ClusterPlan> PlanAsync(LoadedCluster cluster, CancellationToken cancellationToken)
    {
        var model = cluster.Model;
        foreach (var node in model.Nodes) _shells[node.Name] = _shellFactory.Open(node, model.SshDefaults, model.KnownHostsFile);
        var requests = cluster.Desired.Select(d => new FactRequest(d.Node, _shells[d.Name], [.. d.Sysctls.Keys]));
        var gathered = await new FactGatherer(Options.Parallel).GatherEachAsync(requests, cancellationToken).ConfigureAwait(false);
        if (gathered.Failures.Count > 0) Error(FactGatheringException.Describe(gathered.Failures, cluster.Desired.Count));
        var plan = cluster.Planner.Plan(cluster.Desired, gathered.Facts, gathered.Failures.ToDictionary(f => f.Node, f => f.Reason, StringComparer.Ordinal));
        var artifactProblems = await ArtifactCheck.ProblemsAsync(plan, model.Artifacts, ShellFor, cancellationToken).ConfigureAwait(false);
        return artifactProblems.Count == 0 ? plan : plan with { Problems = [.. plan.Problems, .. artifactProblems] };
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
        Log.Information("Log written to {LogFile}", LogFile);
        await Log.DisposeAsync().ConfigureAwait(false);
    }
}

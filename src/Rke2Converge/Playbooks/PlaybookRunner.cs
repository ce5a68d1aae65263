using System.Reflection;
using System.Runtime.Loader;
using Rke2Converge.Playbooks.Editor;

namespace Rke2Converge.Playbooks;

/// <summary>
/// Runs a compiled playbook in a collectible load context that is unloaded afterwards, so loading many playbooks
/// (or one many times) does not pile up assemblies. The engine itself is shared, so the globals type is the same one.
/// </summary>
internal static class PlaybookRunner
{
    /// <summary>Prefix of the load contexts' names; each is followed by the playbook's cache key.</summary>
    public const string ContextNamePrefix = "rke2c-playbook:";

    /// <exception cref="PlaybookException">The playbook did not finish within <paramref name="timeout"/>.</exception>
    public static async Task RunAsync(CompiledPlaybook compiled, string cacheKey, PlaybookGlobals globals, TimeSpan timeout, CancellationToken ct)
    {
        var context = new PlaybookLoadContext(ContextNamePrefix + cacheKey, compiled.EntryPoint.LocalReferences ?? []);
        try
        {
            using var assemblyStream = new MemoryStream(compiled.Assembly, writable: false);
            using var symbolStream = compiled.Symbols.Length > 0 ? new MemoryStream(compiled.Symbols, writable: false) : null;
            var assembly = context.LoadFromStream(assemblyStream, symbolStream);
            var factory = assembly.GetType(compiled.EntryPoint.TypeName, throwOnError: true)!
                .GetMethod(compiled.EntryPoint.MethodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                ?? throw new MissingMethodException(compiled.EntryPoint.TypeName, compiled.EntryPoint.MethodName);
            // Roslyn's submission array: slot 0 holds the globals, slot 1 receives this submission's state.
            object?[] submissionArray = [globals, null];
            var run = OnOwnThread(() =>
            {
                PlaybookApi.RunWith(globals);
                return (Task)factory.Invoke(null, [submissionArray])!;
            });
            try
            {
                // A playbook cannot observe cancellation itself; stop waiting for it (the context unloads once it ends).
                await run.WaitAsync(timeout, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new PlaybookException(
                    $"the playbook did not finish within {Seconds(timeout)}: a playbook only declares, so look for an endless loop or a "
                    + "call that waits; raise the limit with --eval-timeout SECONDS or RKE2C_EVAL_TIMEOUT", at: null);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>
    /// Starts the playbook on a background thread of its own. Its code runs synchronously until its first await and
    /// cannot be cancelled, so <c>while (true) {}</c> would otherwise hold the caller forever; this way the caller stops
    /// waiting after the timeout and the process can still exit (background threads do not keep it alive).
    /// </summary>
    private static Task OnOwnThread(Func<Task> start)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                start().ContinueWith(
                    run =>
                    {
                        if (run.Exception is { } error) done.TrySetException(error.InnerExceptions);
                        else if (run.IsCanceled) done.TrySetCanceled();
                        else done.TrySetResult();
                    },
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                done.TrySetException(e.InnerException);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "rke2c playbook",
        };
        thread.Start();
        return done.Task;
    }

    private static string Seconds(TimeSpan timeout) =>
        timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s";

    private sealed class PlaybookLoadContext(string name, IReadOnlyList<string> localReferences) : AssemblyLoadContext(name, isCollectible: true)
    {
        private static readonly Assembly Engine = typeof(PlaybookGlobals).Assembly;

        // An assembly a #r line named comes from its file, into this context (unloaded with it); everything else the
        // playbook references (the engine, the framework) from the engine's own context.
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (AssemblyName.ReferenceMatchesDefinition(assemblyName, Engine.GetName())) return Engine;
            var local = localReferences.FirstOrDefault(file => File.Exists(file)
                && string.Equals(AssemblyName.GetAssemblyName(file).Name, assemblyName.Name, StringComparison.OrdinalIgnoreCase));
            if (local is not null) return LoadFromAssemblyPath(local);
            var engineContext = GetLoadContext(Engine) ?? Default;
            return engineContext.LoadFromAssemblyName(assemblyName);
        }
    }
}

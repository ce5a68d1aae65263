using System.Reflection;
using System.Runtime.Loader;

namespace Rke2Converge.Playbooks;

/// <summary>
/// Runs a compiled playbook in a collectible load context that is unloaded afterwards, so loading many playbooks
/// (or one many times) does not pile up assemblies. The engine itself is shared, so the globals type is the same one.
/// </summary>
internal static class PlaybookRunner
{
    /// <summary>Prefix of the load contexts' names; each is followed by the playbook's cache key.</summary>
    public const string ContextNamePrefix = "rke2c-playbook:";

    public static async Task RunAsync(CompiledPlaybook compiled, string cacheKey, PlaybookGlobals globals, CancellationToken ct)
    {
        var context = new PlaybookLoadContext(ContextNamePrefix + cacheKey);
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
            Task<object> run;
            try
            {
                run = (Task<object>)factory.Invoke(null, [submissionArray])!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
            // A playbook cannot observe cancellation itself; stop waiting for it (the context unloads once it ends).
            await run.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class PlaybookLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
    {
        private static readonly Assembly Engine = typeof(PlaybookGlobals).Assembly;

        // Resolve everything the playbook references (the engine, the framework) from the engine's own context.
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (AssemblyName.ReferenceMatchesDefinition(assemblyName, Engine.GetName())) return Engine;
            var engineContext = GetLoadContext(Engine) ?? Default;
            return engineContext.LoadFromAssemblyName(assemblyName);
        }
    }
}

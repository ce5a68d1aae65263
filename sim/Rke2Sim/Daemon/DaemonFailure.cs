namespace Rke2Sim.Daemon;

/// <summary>rke2 logs at fatal level and exits 1 (logrus.Fatal).</summary>
public sealed class FatalException(string message) : Exception(message);

/// <summary>A Go runtime panic: the stack goes to stderr and the process exits 2.</summary>
public sealed class PanicException(string message) : Exception(message);

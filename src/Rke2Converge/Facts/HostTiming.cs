namespace Rke2Converge.Facts;

/// <summary>
/// Where one host's fact read spent its time: waiting for a --parallel slot, the round trip (connecting included
/// when the host had no open connection yet), and parsing the answer.
/// </summary>
internal sealed record HostTiming(string Node, TimeSpan WaitedForSlot, TimeSpan RoundTrip, TimeSpan Parse, bool Failed)
{
    public TimeSpan Total => WaitedForSlot + RoundTrip + Parse;
}

namespace Pinset.Tunnel;

/// <summary>
/// The tunnel cannot start: its options have problems (all of them are listed), a route's policy does not load, does
/// not pin the route's TLS name or has expired, or an address cannot be listened on. The message says which and what
/// to do; nothing listens.
/// </summary>
public sealed class PinnedTunnelException : Exception
{
    /// <summary>A tunnel that cannot start, for the reason <paramref name="message"/> gives.</summary>
    public PinnedTunnelException(string message)
        : base(message)
    {
    }

    /// <summary>A tunnel that cannot start, for the reason <paramref name="message"/> gives, caused by <paramref name="innerException"/>.</summary>
    public PinnedTunnelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A tunnel that cannot start, for no reason given; prefer the constructors that say why.</summary>
    public PinnedTunnelException()
    {
    }
}

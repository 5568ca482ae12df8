namespace Pinset;

/// <summary>
/// How a <see cref="PinningCoverageGuard"/> learns that a handshake passed through a Pinset validator. A guard puts a mark
/// in the handshake's async flow when the runtime reports the handshake starting; every Pinset callback marks what it
/// finds there; the guard reads the mark back when the runtime reports the handshake finished. With no guard running,
/// marking is one volatile read.
/// </summary>
internal static class HandshakeMarks
{
    private static readonly Lock Gate = new();
    private static AsyncLocal<Mark?>[] s_active = [];

    public static void Register(AsyncLocal<Mark?> slot)
    {
        lock (Gate)
        {
            s_active = [.. s_active, slot];
        }
    }

    public static void Unregister(AsyncLocal<Mark?> slot)
    {
        lock (Gate)
        {
            s_active = [.. s_active.Where(s => !ReferenceEquals(s, slot))];
        }
    }

    /// <summary>Called by every Pinset callback, whatever its verdict.</summary>
    public static void MarkValidated()
    {
        foreach (var slot in Volatile.Read(ref s_active))
        {
            if (slot.Value is { } mark)
            {
                mark.Validated = true;
            }
        }
    }

    /// <summary>One client handshake in flight.</summary>
    internal sealed class Mark(string? host)
    {
        public string? Host { get; } = host;

        private volatile bool _validated;

        public bool Validated
        {
            get => _validated;
            set => _validated = value;
        }
    }
}

namespace Pinset;

/// <summary>
/// A TLS client handshake that completed to a host the policy covers without passing through any Pinset validator: an
/// <c>HttpClient</c> made with <c>new</c>, a third-party SDK's own client, a socket pinned by nobody.
/// </summary>
/// <param name="Host">The host the handshake named (its SNI), normalised where it could be; empty when it named none.</param>
/// <param name="Pattern">The policy pattern that covers the host; null when it is covered only by <c>requirePinnedHosts</c>.</param>
/// <param name="DetectedAt">When the handshake completed, by the pinner's clock.</param>
public sealed record UnpinnedHandshake(string Host, HostPattern? Pattern, DateTimeOffset DetectedAt);

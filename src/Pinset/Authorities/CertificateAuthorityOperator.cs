namespace Pinset;

/// <summary>A public CA operator of <see cref="CertificateAuthorityMap"/>: its roots and its intermediates.</summary>
public sealed record CertificateAuthorityOperator
{
    /// <summary>The operator's name, such as <c>Let's Encrypt</c>, <c>Google Trust Services</c> or <c>SSL.com</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The operator's roots, by name.</summary>
    public required IReadOnlyList<CertificateAuthorityKey> Roots { get; init; }

    /// <summary>The operator's intermediates, by name.</summary>
    public required IReadOnlyList<CertificateAuthorityKey> Intermediates { get; init; }

    /// <summary>The intermediates not expired at <paramref name="now"/>: the pool a new certificate may be issued from.</summary>
    public IReadOnlyList<CertificateAuthorityKey> IssuingAt(DateTimeOffset now) => [.. Intermediates.Where(i => !i.IsExpired(now))];

    /// <summary>The roots not expired at <paramref name="now"/>.</summary>
    public IReadOnlyList<CertificateAuthorityKey> RootsAt(DateTimeOffset now) => [.. Roots.Where(r => !r.IsExpired(now))];

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}

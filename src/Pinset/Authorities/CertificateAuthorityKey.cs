namespace Pinset;

/// <summary>
/// One CA key of <see cref="CertificateAuthorityMap"/>: a root or an intermediate of a public CA operator, known by its
/// SPKI pin. Certificates that share a key (a re-issued root, an intermediate cross-signed by two roots) are one entry.
/// </summary>
public sealed record CertificateAuthorityKey
{
    /// <summary>The key's pin; the map identifies a certificate by this and nothing else (never by its name).</summary>
    public required SpkiPin Pin { get; init; }

    /// <summary>The certificate's common name, such as <c>R11</c> or <c>ISRG Root X1</c> (with the unit where the name alone is ambiguous).</summary>
    public required string Name { get; init; }

    /// <summary>The operator's name in the map, such as <c>Let's Encrypt</c>.</summary>
    public required string Operator { get; init; }

    /// <summary>True for a root (a self-signed certificate of the source's root store); false for an intermediate.</summary>
    public required bool IsRoot { get; init; }

    /// <summary>The latest expiry among the certificates with this key.</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>For an intermediate, the pins of the roots it chains to (through cross-signatures too); empty for a root.</summary>
    public IReadOnlyList<SpkiPin> RootPins { get; init; } = [];

    /// <summary>For a root, the SHA-256 fingerprints of its certificates in the source; empty for an intermediate.</summary>
    public IReadOnlyList<CertificateFingerprint> Fingerprints { get; init; } = [];

    /// <summary>The operator and name, as messages say it: <c>Let's Encrypt R11</c>.</summary>
    public string DisplayName => Name.StartsWith(Operator, StringComparison.OrdinalIgnoreCase) ? Name : $"{Operator} {Name}";

    /// <summary>The operator, the kind and the name, as origins are given: <c>Let's Encrypt intermediate 'R11'</c>.</summary>
    public string Description => $"{Operator} {(IsRoot ? "root" : "intermediate")} '{Name}'";

    /// <summary>True when the key's certificates have all expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => NotAfter <= now;

    /// <summary>The name and the pin: <c>ISRG Root X1 sha256/…</c>.</summary>
    public override string ToString() => $"{Name} {Pin}";
}

namespace Pinset;

/// <summary>One policy of a <see cref="PinningPolicyBuilder"/>: its hosts, the pins that satisfy it, and how it is enforced.</summary>
public sealed class HostPolicyBuilder
{
    private readonly TimeProvider _time;
    private readonly List<HostPattern> _hosts = [];
    private readonly List<SpkiPin> _pins = [];
    private readonly List<CertificateFingerprint> _certificates = [];
    private readonly List<SpkiPin> _banned = [];
    private readonly List<Uri> _reportUris = [];
    private DateTimeOffset? _expires;
    private PinningMode _mode = PinningMode.Enforce;

    private readonly Func<bool> _built;

    internal HostPolicyBuilder(TimeProvider time, Func<bool> built)
    {
        _time = time;
        _built = built;
    }

    /// <summary>A host pattern the policy applies to (<c>HostPattern.Parse("*.exchange.com")</c>).</summary>
    public HostPolicyBuilder ForHost(HostPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Usable();
        _hosts.Add(pattern);
        return this;
    }

    /// <summary>A public-key pin that satisfies the policy; give a backup key's too.</summary>
    public HostPolicyBuilder Pin(SpkiPin pin)
    {
        Usable();
        _pins.Add(Set(pin, nameof(pin)));
        return this;
    }

    /// <summary>A certificate fingerprint that satisfies the policy.</summary>
    public HostPolicyBuilder PinCertificate(CertificateFingerprint fingerprint)
    {
        Usable();
        _certificates.Add(fingerprint.Equals(default(CertificateFingerprint))
            ? throw new ArgumentException("The certificate fingerprint is the default (all zeros), which no certificate has: was it left unset? Use CertificateFingerprint.Parse or FromCertificate.", nameof(fingerprint))
            : fingerprint);
        return this;
    }

    /// <summary>A key refused anywhere in the chain, in every mode and after expiry.</summary>
    public HostPolicyBuilder Ban(SpkiPin pin)
    {
        Usable();
        _banned.Add(Set(pin, nameof(pin)));
        return this;
    }

    /// <summary>When the policy stops being enforced.</summary>
    public HostPolicyBuilder ExpiresAt(DateTimeOffset expires)
    {
        Usable();
        _expires = expires;
        return this;
    }

    /// <summary>Expires <paramref name="lifetime"/> from now, by the builder's clock.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lifetime"/> is zero or negative: the policy would pin nothing.</exception>
    public HostPolicyBuilder ExpiresAfter(TimeSpan lifetime) => lifetime > TimeSpan.Zero
        ? ExpiresAt(_time.GetUtcNow() + lifetime)
        : throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"A lifetime of {lifetime} would expire the policy before it is used, so it would pin nothing; give a positive time.");

    /// <summary>Lets mismatching chains through, flagged and reported, to roll the policy out before enforcing it.</summary>
    public HostPolicyBuilder ReportOnly()
    {
        Usable();
        _mode = PinningMode.ReportOnly;
        return this;
    }

    /// <summary>Where pin-violation reports go (an absolute http or https URI).</summary>
    public HostPolicyBuilder ReportTo(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        Usable();
        _reportUris.Add(uri);
        return this;
    }

    private void Usable()
    {
        if (_built())
        {
            throw new InvalidOperationException("The PinningPolicyBuilder this policy belongs to has built its policy already; a change now would not reach it. Describe every policy before Build().");
        }
    }

    private static SpkiPin Set(SpkiPin pin, string name) => pin.Equals(default(SpkiPin))
        ? throw new ArgumentException("The pin is the default SpkiPin (all zeros), which no key has: was it left unset? Use SpkiPin.Parse, FromCertificate or FromSubjectPublicKeyInfo.", name)
        : pin;

    /// <summary>The checked policy at position <paramref name="index"/>, or null with its errors added.</summary>
    internal HostPolicy? Check(int index, List<string> errors, List<string> warnings)
    {
        int before = errors.Count;
        var where = $"policy {index}" + (_hosts.Count > 0 ? $" ('{string.Join("', '", _hosts)}')" : string.Empty);
        void Error(string message) => errors.Add($"{where}: {message}");
        if (_hosts.Count == 0)
        {
            Error("it names no host; call ForHost(HostPattern.Parse(\"api.example.com\")).");
        }

        foreach (var uri in _reportUris)
        {
            if (PinningPolicyCompiler.ReportUriProblem(uri) is { } problem)
            {
                Error(problem);
            }
        }

        if (_expires is { } expires && expires <= _time.GetUtcNow())
        {
            Warn($"it expired at {expires:yyyy-MM-dd'T'HH:mm:ss'Z'}, before it was built, so its hosts are not pinned (PolicyExpired).");
        }

        var draft = new PinningPolicyCompiler.Draft(
            [.. _hosts.Distinct()], [.. _pins.Distinct()], [.. _certificates.Distinct()], [.. _banned.Distinct()], _expires, _mode, [.. _reportUris], _pins.Count + _certificates.Count);
        return PinningPolicyCompiler.Finish(index, draft, Error, errors, before, Warn);

        void Warn(string message) => warnings.Add($"{where}: {message}");
    }
}

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

    internal HostPolicyBuilder(TimeProvider time) => _time = time;

    /// <summary>A host pattern the policy applies to (<c>HostPattern.Parse("*.exchange.com")</c>).</summary>
    public HostPolicyBuilder ForHost(HostPattern pattern)
    {
        _hosts.Add(pattern);
        return this;
    }

    /// <summary>A public-key pin that satisfies the policy; give a backup key's too.</summary>
    public HostPolicyBuilder Pin(SpkiPin pin)
    {
        _pins.Add(pin);
        return this;
    }

    /// <summary>A certificate fingerprint that satisfies the policy.</summary>
    public HostPolicyBuilder PinCertificate(CertificateFingerprint fingerprint)
    {
        _certificates.Add(fingerprint);
        return this;
    }

    /// <summary>A key refused anywhere in the chain, in every mode and after expiry.</summary>
    public HostPolicyBuilder Ban(SpkiPin pin)
    {
        _banned.Add(pin);
        return this;
    }

    /// <summary>When the policy stops being enforced.</summary>
    public HostPolicyBuilder ExpiresAt(DateTimeOffset expires)
    {
        _expires = expires;
        return this;
    }

    /// <summary>Expires <paramref name="lifetime"/> from now, by the builder's clock.</summary>
    public HostPolicyBuilder ExpiresAfter(TimeSpan lifetime) => ExpiresAt(_time.GetUtcNow() + lifetime);

    /// <summary>Lets mismatching chains through, flagged and reported, to roll the policy out before enforcing it.</summary>
    public HostPolicyBuilder ReportOnly()
    {
        _mode = PinningMode.ReportOnly;
        return this;
    }

    /// <summary>Where pin-violation reports go (an absolute http or https URI).</summary>
    public HostPolicyBuilder ReportTo(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        _reportUris.Add(uri);
        return this;
    }

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
            if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                Error($"report URI '{uri}' is not an absolute http or https URI, such as 'https://reports.example.com/pins'.");
            }
        }

        var draft = new PinningPolicyCompiler.Draft(
            [.. _hosts.Distinct()], [.. _pins.Distinct()], [.. _certificates.Distinct()], [.. _banned.Distinct()], _expires, _mode, [.. _reportUris], _pins.Count + _certificates.Count);
        return PinningPolicyCompiler.Finish(index, draft, Error, errors, before, backupPinIsAnError: false, Warn);

        void Warn(string message) => warnings.Add($"{where}: {message}");
    }
}

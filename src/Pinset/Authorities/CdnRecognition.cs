namespace Pinset;

/// <summary>A CDN recognised in front of a host, and how: the header or the branded issuing CA that gave it away.</summary>
public sealed record CdnRecognition(CdnProfile Profile, string Evidence)
{
    /// <summary>
    /// The CDN that <paramref name="headers"/> (a response's, any case) or <paramref name="chain"/> (a validated chain,
    /// whose CAs are identified by key in <paramref name="map"/>) show; null when neither shows one.
    /// </summary>
    public static CdnRecognition? Recognise(IEnumerable<KeyValuePair<string, string>> headers, IReadOnlyList<ChainCertificate> chain, CertificateAuthorityMap map)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(map);
        var list = headers.ToList();
        foreach (var profile in CdnProfile.Known)
        {
            foreach (var (name, value) in profile.Headers)
            {
                var seen = list.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)
                    && (value is null || (value.StartsWith('(') ? h.Value.Contains(value, StringComparison.OrdinalIgnoreCase) : string.Equals(h.Value.Trim(), value, StringComparison.OrdinalIgnoreCase))));
                if (seen.Key is not null)
                {
                    return new CdnRecognition(profile, $"the response header '{seen.Key.ToLowerInvariant()}: {Printable.Escape(seen.Value)}'");
                }
            }

            foreach (var certificate in chain.Skip(1))
            {
                if (certificate.Pin is { } pin && map.Find(pin) is { } key && profile.BrandedIssuers.Any(b => key.Name.StartsWith(b, StringComparison.OrdinalIgnoreCase)))
                {
                    return new CdnRecognition(profile, $"the CDN-branded issuing CA '{key.Name}'");
                }
            }
        }

        return null;
    }

    /// <summary>The CDN and the evidence: <c>cloudflare (the response header 'cf-ray: …')</c>.</summary>
    public override string ToString() => $"{Profile.Name} ({Evidence})";
}

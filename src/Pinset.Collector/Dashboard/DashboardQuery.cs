using System.Globalization;
using Microsoft.Extensions.Options;

namespace Pinset.Collector;

/// <summary>
/// Builds what the dashboard and the API show from the stored reports and the policy files: per host, failures over
/// time, outcomes, app versions, modes, the chains users met, and for each CA key a policy does not pin, the diff that
/// would admit it as a backup pin. The page and <c>/api/...</c> serve the same model.
/// </summary>
internal sealed class DashboardQuery(ReportStore store, PolicyCatalog policies, TimeProvider time, IOptions<CollectorOptions> options)
{
    private static readonly int[] BucketSizes = [1, 5, 15, 60, 180, 360, 720, 1440];

    /// <summary>Reads <c>host</c>, <c>from</c>, <c>to</c> and <c>appVersion</c> from the query string.</summary>
    /// <exception cref="ArgumentException">A value cannot be read; the message is a sentence quoting it.</exception>
    public ReportFilter Filter(IQueryCollection query, string? host = null)
    {
        var now = time.GetUtcNow();
        var to = Time(query, "to") ?? now;
        var from = Time(query, "from") ?? to.AddDays(-1);
        if (from >= to)
        {
            throw new ArgumentException($"'from' ({from:u}) is not before 'to' ({to:u}); give a range that starts before it ends.");
        }

        var oldest = now - options.Value.Storage.Retention;
        from = from < oldest ? oldest : from;
        host ??= query["host"].FirstOrDefault() is { Length: > 0 } given ? given : null;
        if (host is not null)
        {
            host = HostName.TryNormalize(host, out var normalized) ? normalized : throw new ArgumentException($"'host' is '{ReportReader.Shorten(host)}', which is not a host name or IP address.");
        }

        var version = query["appVersion"].FirstOrDefault() is { Length: > 0 } v ? v : null;
        return new ReportFilter(host, from, to, version);
    }

    public async Task<HostList> HostsAsync(ReportFilter filter, CancellationToken cancellationToken)
    {
        var all = filter with { Host = null };
        return new HostList(filter.From, filter.To, filter.AppVersion, await store.HostsAsync(all, cancellationToken).ConfigureAwait(false), await store.AppVersionsAsync(all, cancellationToken).ConfigureAwait(false));
    }

    public async Task<HostDetail> HostAsync(ReportFilter filter, CancellationToken cancellationToken)
    {
        var host = filter.Host ?? throw new ArgumentException("No host was given; name one with 'host'.");
        int bucket = Bucket(filter);
        var points = await store.TimelineAsync(filter, bucket, cancellationToken).ConfigureAwait(false);
        var timeline = new List<TimelinePoint>();
        for (long start = filter.FromMinute / bucket * bucket; start < filter.ToMinute; start += bucket)
        {
            var at = points.Where(p => p.Minute == start).ToList();
            timeline.Add(new TimelinePoint(
                DateTimeOffset.FromUnixTimeSeconds(start * 60),
                at.Where(p => p.Mode == PinningModeNames.Enforce).Sum(p => p.Reports),
                at.Where(p => p.Mode == PinningModeNames.ReportOnly).Sum(p => p.Reports),
                at.Where(p => p.Mode == ReceivedReport.UnspecifiedMode).Sum(p => p.Reports)));
        }

        var chains = await store.ChainsAsync(filter, cancellationToken).ConfigureAwait(false);
        var policy = policies.Find(host) ?? PolicyEntry.FromReports(host, [.. chains.SelectMany(c => c.KnownPins).Distinct(StringComparer.Ordinal)]);
        return new HostDetail(
            host,
            bucket,
            timeline,
            await store.OutcomesAsync(filter, cancellationToken).ConfigureAwait(false),
            await store.VersionsAsync(filter, cancellationToken).ConfigureAwait(false),
            chains,
            policy.Pins,
            policy.Source,
            Suggest(chains, policy));
    }

    public async Task<DashboardModel> PageAsync(ReportFilter filter, CancellationToken cancellationToken)
    {
        var list = await HostsAsync(filter, cancellationToken).ConfigureAwait(false);
        var selected = filter.Host ?? list.Hosts.FirstOrDefault()?.Host;
        var detail = selected is null ? null : await HostAsync(filter with { Host = selected }, cancellationToken).ConfigureAwait(false);
        return new DashboardModel(filter with { Host = selected }, list, detail);
    }

    /// <summary>
    /// Every CA key (not the leaf) of a reported validated chain that the policy would refuse (no key of it pinned). A
    /// chain that holds a pinned key already passes, so its other CA keys are not proposed.
    /// </summary>
    private static List<PinSuggestion> Suggest(List<SeenChain> chains, PolicyEntry policy)
    {
        var pinned = policy.Pins.ToHashSet(StringComparer.Ordinal);
        return [.. chains
            .Where(chain => !chain.Chain.Any(c => pinned.Contains(c.Pin)))
            .SelectMany(chain => chain.Chain.Skip(1).Where(c => c.IsAuthority && !pinned.Contains(c.Pin)).Select(c => (Certificate: c, chain.Reports)))
            .GroupBy(x => x.Certificate.Pin, StringComparer.Ordinal)
            .Select(g =>
            {
                var certificate = g.First().Certificate;
                return new PinSuggestion(certificate.Pin, certificate.Subject, certificate.Issuer, certificate.Subject == certificate.Issuer, g.Sum(x => x.Reports), policy.Source, PolicyDiff.AddBackupPin(policy, certificate.Pin));
            })
            .OrderByDescending(s => s.Reports)];
    }

    private static int Bucket(ReportFilter filter)
    {
        var minutes = filter.ToMinute - filter.FromMinute;
        return BucketSizes.FirstOrDefault(size => minutes / size <= 72, BucketSizes[^1]);
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        if (query[name].FirstOrDefault() is not { Length: > 0 } text)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new ArgumentException($"'{name}' is '{ReportReader.Shorten(text)}', which is not a date and time; use ISO 8601 such as '2026-12-01T08:00:00Z'.");
    }
}

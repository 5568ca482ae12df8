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
    /// <summary>The most buckets the chart has, however long the range: the bucket is the smallest width that stays within it.</summary>
    public const int MaxTimelineBuckets = 72;

    /// <summary>How far past the collector's clock <c>to</c> may reach (a client's clock may be ahead); reports carry the collector's time.</summary>
    public static readonly TimeSpan ClockAllowance = TimeSpan.FromDays(1);

    /// <summary>The filters of the page (<c>GET /</c>).</summary>
    public static IReadOnlyList<string> PageFilters { get; } = ["host", "from", "to", "appVersion"];

    /// <summary>The filters of <c>/api/hosts</c> and <c>/api/hosts/{host}</c> (whose host is in the path).</summary>
    public static IReadOnlyList<string> ApiFilters { get; } = ["from", "to", "appVersion"];

    private const int MinutesPerDay = 24 * 60;
    private static readonly int[] BucketSizes = [1, 5, 15, 60, 180, 360, 720, MinutesPerDay];

    /// <summary>
    /// Reads the <paramref name="filters"/> of <paramref name="path"/> from the query string: <c>host</c> (unless
    /// <paramref name="host"/> comes from the path), <c>from</c>, <c>to</c> and <c>appVersion</c>, each at most once. A
    /// <c>to</c> may not be more than <see cref="ClockAllowance"/> after now nor before the oldest report kept; a
    /// <c>from</c> before the oldest report kept starts there.
    /// </summary>
    /// <exception cref="ArgumentException">A value cannot be read, is out of bounds, is given twice or is not a filter; the message is a sentence quoting it.</exception>
    public ReportFilter Filter(IQueryCollection query, string path, IReadOnlyList<string> filters, string? host = null)
    {
        foreach (var (name, values) in query)
        {
            if (!filters.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{ReportReader.Shorten(name)}' is not a filter of '{path}'; its filters are {string.Join(", ", filters.SkipLast(1).Select(f => $"'{f}'"))} and '{filters[^1]}'.");
            }

            if (values.Count > 1)
            {
                throw new ArgumentException($"'{name}' is given {values.Count} times; give each filter once.");
            }
        }

        var now = time.GetUtcNow();
        var retention = options.Value.Storage.Retention;
        var oldest = now - retention;
        var to = Time(query, "to") ?? now;
        if (to > now + ClockAllowance)
        {
            throw new ArgumentException($"'to' is '{Given(query, "to")}', more than a day after the collector's clock ('{Iso(now)}'); reports carry the time they arrived, so give a 'to' no later than '{Iso(now + ClockAllowance)}'.");
        }

        if (to < oldest)
        {
            throw new ArgumentException($"'to' is '{Given(query, "to")}', before the oldest report kept ('{Iso(oldest)}', as '{CollectorConfigKeys.StorageRetention}' is {retention}); give a later 'to'.");
        }

        var from = Time(query, "from") ?? to.AddDays(-1);
        if (from >= to)
        {
            throw new ArgumentException($"'from' ({from:u}) is not before 'to' ({to:u}); give a range that starts before it ends.");
        }

        from = from < oldest ? oldest : from;
        host ??= query["host"].FirstOrDefault() is { Length: > 0 } given ? given : null;
        if (host is not null)
        {
            host = HostName.TryNormalize(host, out var normalized) ? normalized : throw new ArgumentException($"'host' is '{ReportReader.Shorten(host)}', which is not a host name or IP address.");
        }

        var version = query["appVersion"].FirstOrDefault() is { Length: > 0 } v ? v : null;
        if (version is { Length: > ReportReader.MaxFieldLength })
        {
            throw new ArgumentException($"'appVersion' is {version.Length} characters long ('{ReportReader.Shorten(version)}'); an app version is at most {ReportReader.MaxFieldLength} characters.");
        }

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
        var points = (await store.TimelineAsync(filter, bucket, cancellationToken).ConfigureAwait(false)).ToLookup(p => p.Minute);
        var timeline = new List<TimelinePoint>();
        for (long start = FloorDiv(filter.FromMinute, bucket) * bucket; start < filter.ToMinute; start += bucket)
        {
            var apps = points[start].Where(p => !p.Probe).ToList();
            timeline.Add(new TimelinePoint(
                DateTimeOffset.FromUnixTimeSeconds(start * 60),
                apps.Where(p => p.Mode == PinningModeNames.Enforce).Sum(p => p.Reports),
                apps.Where(p => p.Mode == PinningModeNames.ReportOnly).Sum(p => p.Reports),
                apps.Where(p => p.Mode == ReceivedReport.UnspecifiedMode).Sum(p => p.Reports),
                points[start].Where(p => p.Probe).Sum(p => p.Reports)));
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
                var change = PolicyChange.AddBackupPin(policy, certificate.Pin);
                return new PinSuggestion(certificate.Pin, certificate.Subject, certificate.Issuer, certificate.Subject == certificate.Issuer, g.Sum(x => x.Reports), policy.Source, change.Apply, change.Diff, change.ProposedFile);
            })
            .OrderByDescending(s => s.Reports)];
    }

    /// <summary>The smallest bucket, of <see cref="BucketSizes"/> and then whole days, that covers the range in at most <see cref="MaxTimelineBuckets"/>.</summary>
    private static int Bucket(ReportFilter filter)
    {
        foreach (var size in BucketSizes)
        {
            if (Buckets(filter, size) <= MaxTimelineBuckets)
            {
                return size;
            }
        }

        long days = Math.Max(2, (filter.ToMinute - filter.FromMinute) / (MinutesPerDay * MaxTimelineBuckets));
        while (Buckets(filter, days * MinutesPerDay) > MaxTimelineBuckets)
        {
            days++;
        }

        return checked((int)(days * MinutesPerDay));
    }

    /// <summary>How many buckets of <paramref name="size"/> minutes, aligned to multiples of it, the range touches.</summary>
    private static long Buckets(ReportFilter filter, long size) => FloorDiv(filter.ToMinute + size - 1, size) - FloorDiv(filter.FromMinute, size);

    private static long FloorDiv(long value, long divisor) => (value / divisor) - (value % divisor < 0 ? 1 : 0);

    private static string Given(IQueryCollection query, string name) => ReportReader.Shorten(query[name].ToString());

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

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

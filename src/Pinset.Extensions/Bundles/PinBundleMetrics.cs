using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pinset.Extensions;

/// <summary>Counts bundle fetches by outcome and refusal, and observes the version in force and whether it has expired.</summary>
internal sealed class PinBundleMetrics
{
    private readonly Counter<long> _refreshes;

    public PinBundleMetrics(IMeterFactory meters, PinBundleStore store)
    {
        var meter = meters.Create(PinningMetricNames.Meter);
        _refreshes = meter.CreateCounter<long>(PinningMetricNames.BundleRefreshes, "{refresh}", "Pin bundle fetches, by outcome and refusal reason.");
        meter.CreateObservableGauge(PinningMetricNames.BundleVersion, () => store.Current?.Version ?? 0, "{version}", "The version of the pin bundle in force (0 before any).");
        meter.CreateObservableGauge(PinningMetricNames.BundleExpired, () => store.IsExpired ? 1 : 0, "{bundle}", "1 while the pin bundle in force has expired, else 0.");
    }

    public void Record(PinBundleRefreshResult result)
    {
        var tags = new TagList { { PinningMetricNames.BundleOutcomeTag, result.Outcome.ToString() } };
        if (result.Refusal is { } reason)
        {
            tags.Add(PinningMetricNames.BundleRefusalTag, reason.ToString());
        }

        _refreshes.Add(1, tags);
    }
}

namespace Pinset.Benchmarks;

/// <summary>Medians and quartiles of samples, interpolated between the two nearest samples.</summary>
internal static class Quantiles
{
    public static double Median(IReadOnlyCollection<double> values) => Quantile(values, 0.5);

    public static double Quantile(IReadOnlyCollection<double> values, double q)
    {
        var sorted = values.Order().ToList();
        double at = q * (sorted.Count - 1);
        int low = (int)Math.Floor(at);
        return sorted[low] + ((at - low) * (sorted[Math.Min(low + 1, sorted.Count - 1)] - sorted[low]));
    }
}

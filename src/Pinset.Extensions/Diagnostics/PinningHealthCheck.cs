using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pinset.Extensions;

/// <summary>
/// Pinset's health: unhealthy when a client in the process completed a handshake to a pinned host without Pinset (with
/// <see cref="PinningOptions.DetectUnpinnedHandshakes"/>) or when a policy in force has expired (its hosts are no longer
/// pinned); degraded when the latest configuration was refused (an older policy is in force), a policy expires within
/// <see cref="ExpiryWarning"/>, or the remembered pin bundle did not verify (the policy before it is in force).
/// </summary>
internal sealed class PinningHealthCheck(CertificatePinning pinning, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var policy = pinning.Monitor.Current;
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        var data = new Dictionary<string, object>
        {
            ["policies"] = policy.Policies.Count,
            ["detectUnpinnedHandshakes"] = pinning.Coverage is not null,
        };

        if (pinning.Coverage is { UnpinnedHandshakeCount: > 0 and var count } coverage)
        {
            var last = coverage.LastUnpinnedHandshake!;
            data["unpinnedHandshakes"] = count;
            unhealthy.Add($"{count} TLS handshake(s) to pinned hosts completed without Pinset; the latest to '{last.Host}' at {last.DetectedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
        }

        foreach (var rule in policy.Policies)
        {
            if (rule.IsExpired(now))
            {
                unhealthy.Add($"{rule} has expired, so its hosts are no longer pinned; renew it.");
            }
            else if (rule.Expires is { } expires && expires - now <= ExpiryWarning)
            {
                degraded.Add($"{rule} expires within {ExpiryWarning.TotalDays:0} days.");
            }
        }

        var bundles = pinning.Monitor.Bundles;
        if (bundles.Enabled)
        {
            data["bundleVersion"] = bundles.Current?.Version ?? 0;
            if (bundles.Current is { } bundle && bundles.IsExpired)
            {
                var consequence = bundles.OnExpiry == PinBundleExpiry.FailClosed
                    ? "every host it pinned is refused (Bundles.OnExpiry = FailClosed)"
                    : "the configuration's policy is in force instead";
                (bundles.OnExpiry == PinBundleExpiry.FailClosed ? unhealthy : degraded).Add($"The pin bundle in force (version {bundle.Version}) expired at {bundle.Expires:yyyy-MM-dd'T'HH:mm:ss'Z'}: {consequence}. Publish a new bundle.");
            }

            if (bundles.RememberedProblem is { } remembered)
            {
                degraded.Add(remembered);
            }

            if (bundles.LastProblem is { } problem)
            {
                degraded.Add($"The latest pin bundle refresh {(problem.Outcome == PinBundleRefreshOutcome.Refused ? $"was refused ({problem.Refusal})" : "failed")}: {problem.Message}");
            }
        }

        if (pinning.Monitor.IsStale)
        {
            degraded.Add("The latest pinning configuration was refused (see event 5, ReloadRejected); an older policy is in force.");
        }

        var result = unhealthy.Count > 0
            ? HealthCheckResult.Unhealthy(string.Join(" ", unhealthy.Concat(degraded)), data: data)
            : degraded.Count > 0
                ? HealthCheckResult.Degraded(string.Join(" ", degraded), data: data)
                : HealthCheckResult.Healthy($"{policy.Policies.Count} pinning policies in force.", data);
        return Task.FromResult(result);
    }
}

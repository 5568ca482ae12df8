using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pinset.Extensions;

/// <summary>Adds Pinset's health check.</summary>
public static class PinningHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the <c>pinset</c> health check: unhealthy when a handshake to a pinned host bypassed Pinset (with
    /// <see cref="PinningOptions.DetectUnpinnedHandshakes"/>) or a policy in force has expired; degraded when the latest
    /// configuration was refused or a policy expires within 30 days. Needs <c>AddCertificatePinning</c>.
    /// </summary>
    public static IHealthChecksBuilder AddCertificatePinning(this IHealthChecksBuilder builder, string name = "pinset", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<PinningHealthCheck>();
        return builder.Add(new HealthCheckRegistration(name, sp => sp.GetRequiredService<PinningHealthCheck>(), HealthStatus.Unhealthy, tags));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Pinset.Extensions;

/// <summary>
/// Runs around every IHttpClientFactory handler build and pins the primary handler of each named client last, after
/// the app's own primary-handler settings, so none of them can replace the pinned handler afterwards.
/// </summary>
internal sealed class PinningHandlerFilter(IServiceProvider services) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        var names = services.GetService<PinnedClientNames>();
        if (builder.Name is { } name && names is not null && names.Contains(name))
        {
            var pinning = services.GetService<CertificatePinning>() ?? throw new InvalidOperationException(
                $"HttpClient '{name}' is marked with UseCertificatePinning(), but no pinning is registered; call services.AddCertificatePinning(...) so the client is pinned. It was not built, rather than connect unpinned.");
            builder.PrimaryHandler = pinning.PinPrimary(builder.PrimaryHandler, name);
        }
    };
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Pinset.Extensions;

/// <summary>
/// Runs around every IHttpClientFactory handler build. For each pinned client it lets the app's own handler actions run,
/// then pins the primary handler last, so none of them can replace the pinned handler afterwards, and adds
/// <see cref="PinnedClientHandler"/> as the innermost handler. (The factory's default primary handler is a
/// <see cref="SocketsHttpHandler"/>, whose pooled connections Pinset judges again when the policy changes.)
/// </summary>
internal sealed class PinningHandlerFilter(IServiceProvider services) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        var names = services.GetService<PinnedClientNames>();
        if (builder.Name is not { } name || names is null || !names.Contains(name))
        {
            next(builder);
            return;
        }

        var pinning = services.GetService<CertificatePinning>() ?? throw new InvalidOperationException(
            $"HttpClient '{name}' is marked with UseCertificatePinning(), but no pinning is registered; call services.AddCertificatePinning(...) so the client is pinned. It was not built, rather than connect unpinned.");
        next(builder);
        builder.PrimaryHandler = pinning.PinPrimary(builder.PrimaryHandler, name);
        builder.AdditionalHandlers.Add(new PinnedClientHandler(name, pinning.Pinner));
    };
}

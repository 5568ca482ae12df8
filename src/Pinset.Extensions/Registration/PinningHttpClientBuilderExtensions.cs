using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;

namespace Pinset.Extensions;

/// <summary>Pins clients made by IHttpClientFactory.</summary>
public static class PinningHttpClientBuilderExtensions
{
    /// <summary>
    /// Pins this named or typed client's primary handler, whichever the app configured (a SocketsHttpHandler or an
    /// HttpClientHandler), after every other handler setting, so it works beside <c>ConfigurePrimaryHttpMessageHandler</c>
    /// and the resilience handler. Calling it twice does nothing the second time. Needs <c>AddCertificatePinning</c>.
    /// </summary>
    public static IHttpClientBuilder UseCertificatePinning(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var names = builder.Services
            .Where(d => d.ServiceType == typeof(PinnedClientNames) && d.ImplementationInstance is PinnedClientNames)
            .Select(d => (PinnedClientNames)d.ImplementationInstance!)
            .FirstOrDefault();
        if (names is null)
        {
            names = new PinnedClientNames();
            builder.Services.AddSingleton(names);
        }

        names.Add(builder.Name);

        // Registered here too, so a client marked for pinning is never left unpinned: without AddCertificatePinning the
        // filter refuses to build the client rather than letting it connect unpinned.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, PinningHandlerFilter>());
        return builder;
    }
}

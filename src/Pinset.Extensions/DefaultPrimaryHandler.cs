using System.Net;
using System.Security.Authentication;

namespace Pinset.Extensions;

/// <summary>
/// IHttpClientFactory's default primary handler is an <see cref="HttpClientHandler"/>, which has no connection filter,
/// so Pinset could not stop its pooled connections after a policy change. When the app's own handler actions left that
/// default exactly as the factory made it, a pinned client gets a <see cref="SocketsHttpHandler"/> in its place (what
/// .NET's own <c>UseSocketsHttpHandler</c> does; with the same defaults). When any setting was changed, the app's
/// handler is kept and pinned as it is: Pinset never drops a setting silently.
/// </summary>
internal readonly record struct DefaultPrimaryHandler(
    bool AllowAutoRedirect,
    DecompressionMethods AutomaticDecompression,
    bool CheckCertificateRevocationList,
    ClientCertificateOption ClientCertificateOptions,
    int ClientCertificateCount,
    CookieContainer CookieContainer,
    int CookieCount,
    ICredentials? Credentials,
    ICredentials? DefaultProxyCredentials,
    int MaxAutomaticRedirections,
    int MaxConnectionsPerServer,
    int MaxResponseHeadersLength,
    bool PreAuthenticate,
    int PropertyCount,
    IWebProxy? Proxy,
    Delegate? ServerCertificateCustomValidationCallback,
    SslProtocols SslProtocols,
    bool UseCookies,
    bool UseDefaultCredentials,
    bool UseProxy)
{
    /// <summary>The settings of a handler, to compare before and after the app's actions ran.</summary>
    public static DefaultPrimaryHandler Of(HttpClientHandler handler) => new(
        handler.AllowAutoRedirect,
        handler.AutomaticDecompression,
        handler.CheckCertificateRevocationList,
        handler.ClientCertificateOptions,
        handler.ClientCertificateOptions == ClientCertificateOption.Manual ? handler.ClientCertificates.Count : -1,
        handler.CookieContainer,
        handler.CookieContainer.Count,
        handler.Credentials,
        handler.DefaultProxyCredentials,
        handler.MaxAutomaticRedirections,
        handler.MaxConnectionsPerServer,
        handler.MaxResponseHeadersLength,
        handler.PreAuthenticate,
#pragma warning disable CS0618 // Properties is obsolete, but an app may still put settings in it; a change keeps the app's handler.
        handler.Properties.Count,
#pragma warning restore CS0618
        handler.Proxy,
        handler.ServerCertificateCustomValidationCallback,
        handler.SslProtocols,
        handler.UseCookies,
        handler.UseDefaultCredentials,
        handler.UseProxy);

    /// <summary>
    /// The handler to pin in place of <paramref name="current"/>: a new <see cref="SocketsHttpHandler"/> when
    /// <paramref name="current"/> is still the factory's default with the settings it had before the app's actions ran.
    /// </summary>
    public static HttpMessageHandler Replace(HttpMessageHandler current, HttpClientHandler? factoryDefault, DefaultPrimaryHandler? before)
    {
        if (factoryDefault is null || before is null || !ReferenceEquals(current, factoryDefault) || Of(factoryDefault) != before)
        {
            return current;
        }

        var sockets = new SocketsHttpHandler { MeterFactory = factoryDefault.MeterFactory };
        factoryDefault.Dispose();
        return sockets;
    }
}

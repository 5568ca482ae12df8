using System.Net;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pinset.Collector;

/// <summary>
/// Who may read the dashboard and <c>/api/...</c>: with no <see cref="DashboardOptions.ApiKey"/>, loopback clients only
/// (403 for others, fail closed when the address is unknown); with a key, whoever presents it as
/// <c>Authorization: Bearer &lt;key&gt;</c> or as the password of HTTP Basic (what a browser prompts for), else 401.
/// </summary>
internal sealed class DashboardAccess(IOptions<CollectorOptions> options) : IEndpointFilter
{
    public const string Realm = "Pinset Collector";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = options.Value.Dashboard.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            foreach (var header in ForwardingHeaders)
            {
                if (http.Request.Headers.TryGetValue(header, out var forwarded))
                {
                    // A reverse proxy on this machine makes every client look like loopback; its header says otherwise.
                    // The X-Forwarded-For of a proxy listed in Network:KnownProxies is consumed before this point.
                    return Forbidden($"The dashboard answers loopback clients only, and this request was forwarded by a proxy ({header}: '{forwarded}'); set Dashboard:ApiKey to open it to other clients.");
                }
            }

            return http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
                ? next(context)
                : Forbidden($"The dashboard answers loopback clients only, and this request came from '{http.Connection.RemoteIpAddress?.ToString() ?? "an unknown address"}'; set Dashboard:ApiKey to open it to other addresses.");
        }

        if (Presented(http.Request) is { } given && Secrets.Equal(given, key))
        {
            return next(context);
        }

        http.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        return ValueTask.FromResult<object?>(Results.Text(
            "The dashboard requires the API key: send 'Authorization: Bearer <key>', or give the key as the password when the browser asks.\n",
            "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status401Unauthorized));
    }

    private static readonly string[] ForwardingHeaders = ["X-Forwarded-For", "Forwarded"];

    private static ValueTask<object?> Forbidden(string message) =>
        ValueTask.FromResult<object?>(Results.Text(message + "\n", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status403Forbidden));

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is null)
        {
            return null;
        }

        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                int colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? null : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Pinset.Extensions;

/// <summary>
/// Fetches the bundle in the background, never on a handshake's path: at start, then every refresh interval with jitter.
/// A conditional GET (ETag) through its own IHttpClientFactory client, with resilience (retries with jitter, a total
/// timeout); a body larger than a bundle may be, a redirect to plain http, or an http URL (unless named Dangerous) is
/// refused before anything is read. Whatever is fetched goes to <see cref="PinBundleStore.Offer"/>.
/// </summary>
internal sealed class PinBundleRefresher(IHttpClientFactory clients, PinningPolicyMonitor monitor, IOptionsMonitor<PinningOptions> options, TimeProvider time) : BackgroundService
{
    /// <summary>The IHttpClientFactory client bundles are fetched with; Pinset's own, never pinned by ConfigureHttpClientDefaults.</summary>
    public const string ClientName = PinnedClientNames.OwnPrefix + "Bundles";

    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Raised when the loop has begun to wait for the next refresh (its timer is set): the tests' cue to move the clock.</summary>
    internal event Action? Waiting;
    private string? _etag;

    public async Task<PinBundleRefreshResult> RefreshAsync(CancellationToken cancel)
    {
        var store = monitor.Bundles;
        _ = monitor.Current; // the first policy, and the bundle state, are read before the first fetch
        var url = options.CurrentValue.Bundles?.Url;
        if (!store.Enabled || url is null)
        {
            return new PinBundleRefreshResult(PinBundleRefreshOutcome.Disabled, null, null, "No bundle URL is configured (PinningOptions.Bundles.Url).");
        }

        await _one.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            store.RetryRemembered(); // one refused when it was read (a clock behind) may verify now, even with the URL unreachable
            return await FetchAsync(store, url, cancel).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CurrentValue.Bundles?.Url is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await RefreshAsync(stoppingToken).ConfigureAwait(false);
            var interval = options.CurrentValue.Bundles.RefreshInterval;
            var wait = Task.Delay(interval * (0.9 + (Random.Shared.NextDouble() * 0.2)), time, stoppingToken);
            Waiting?.Invoke();
            await wait.ConfigureAwait(false);
        }
    }

    private async Task<PinBundleRefreshResult> FetchAsync(PinBundleStore store, Uri url, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/jose"));
        if (_etag is not null)
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(_etag));
        }

        // The whole fetch, body included, within RequestTimeout: the resilience pipeline's timeout ends with the headers,
        // and a server that sends them and then drips the body must not hold the refresh (and every later one) forever.
        var timeout = options.CurrentValue.Bundles.RequestTimeout;
        using var expiry = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, expiry.Token);
        var token = linked.Token;
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            var final = response.RequestMessage?.RequestUri ?? url;
            if (final.Scheme != Uri.UriSchemeHttps && !options.CurrentValue.Bundles.DangerousAllowHttp)
            {
                return store.Failed($"'{url}' led to '{final}', which is not https; bundles are fetched over https only.");
            }

            if (response.StatusCode == HttpStatusCode.NotModified && _etag is null)
            {
                return store.Failed($"'{url}' answered 304 Not Modified to a request that was not conditional (no bundle was fetched before); a server that answers so would keep every client on its embedded policy.");
            }

            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return store.Unchanged($"'{url}' has nothing new (304).");
            }

            if ((int)response.StatusCode is >= 300 and < 400)
            {
                return store.Failed($"'{url}' answered {(int)response.StatusCode} {response.ReasonPhrase} to '{response.Headers.Location}', a redirect that was not followed (a redirect from https to http never is).");
            }

            if (!response.IsSuccessStatusCode)
            {
                return store.Failed($"'{url}' answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            var text = response.Content.Headers.ContentLength > PinBundle.MaxLength ? null : await ReadBoundedAsync(response.Content, token).ConfigureAwait(false);
            if (text is null || text.Length > PinBundle.MaxLength)
            {
                return store.Refuse(PinBundleRefusal.TooLarge, $"'{url}' sent more than {PinBundle.MaxLength} characters, more than a bundle may be; it was not read further.");
            }

            var result = store.Offer(text);
            if (result.Outcome is PinBundleRefreshOutcome.Applied or PinBundleRefreshOutcome.Unchanged)
            {
                _etag = response.Headers.ETag?.Tag;
            }

            return result;
        }
        catch (OperationCanceledException ex) when (expiry.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            return store.Failed($"fetching '{url}' took longer than Bundles.RequestTimeout ({timeout}) and was cut off ({ex.GetType().Name}).");
        }
        catch (Exception ex) when (OwnClientTrust.IsCertificateRefusal(ex) && !cancel.IsCancellationRequested)
        {
            return store.Failed($"fetching '{url}' failed: {ErrorText.WithCauses(ex)} {PinBundleClient.Trust(options.CurrentValue).Refusal()}");
        }
        catch (Exception ex) when (!cancel.IsCancellationRequested)
        {
            // Refused, timed out, reset, or a fault of ours: the bundle in force stays, the failure is logged and counted.
            return store.Failed($"fetching '{url}' failed: {ErrorText.WithCauses(ex)}");
        }
    }

    /// <summary>The body as text, reading at most one character more than a bundle may have.</summary>
    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancel)
    {
        await using var stream = await content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[PinBundle.MaxLength + 1];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await reader.ReadAsync(buffer.AsMemory(read), cancel).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return new string(buffer, 0, read);
    }
}

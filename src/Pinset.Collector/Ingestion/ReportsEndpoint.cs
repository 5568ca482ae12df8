using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pinset.Collector;

/// <summary>
/// <c>POST /reports</c>: checks the ingestion token, the content type and the size, reads the report, and answers 202
/// once <see cref="ReportWriter"/> has stored it. Every refusal is a status and a plain-text sentence, counted by reason.
/// The per-client rate limit runs before this (ASP.NET Core's rate limiter, see <see cref="CollectorApp"/>).
/// </summary>
internal static class ReportsEndpoint
{
    public static async Task<IResult> PostAsync(HttpContext context, ReportReader reader, ReportWriter writer, CollectorMetrics metrics, IOptions<CollectorOptions> options, ILogger<ReportReader> logger)
    {
        metrics.Received();
        try
        {
            var ingestion = options.Value.Ingestion;
            CheckToken(context.Request, ingestion.Token);
            CheckContentType(context.Request.ContentType);
            var body = await ReadBodyAsync(context, ingestion.MaxBodyBytes).ConfigureAwait(false);
            var report = reader.Read(body);
            await writer.StoreAsync(report).ConfigureAwait(false);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }
        catch (ReportRejectedException ex)
        {
            if (ex.Reason != RejectionReason.StorageFailed)
            {
                metrics.Rejected(ex.Reason);
            }

            CollectorLog.ReportRejected(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", ReportRejectedException.Tag(ex.Reason), ex.Message);
            if (ex.Reason is RejectionReason.Saturated or RejectionReason.StorageFailed)
            {
                context.Response.Headers.RetryAfter = "5";
            }

            return Results.Text(ex.Message + "\n", "text/plain; charset=utf-8", Encoding.UTF8, ex.StatusCode);
        }
    }

    private static void CheckToken(HttpRequest request, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return;
        }

        string? given = request.Query["token"].FirstOrDefault();
        if (given is null && request.Headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            given = authorization["Bearer ".Length..].Trim();
        }

        if (given is null || !Secrets.Equal(given, token))
        {
            throw new ReportRejectedException(RejectionReason.Unauthorized, given is null
                ? "This collector requires an ingestion token; add '?token=<token>' to the report URI or send 'Authorization: Bearer <token>'."
                : "The ingestion token is not the one this collector is configured with.");
        }
    }

    private static void CheckContentType(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed) || !string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ReportRejectedException(RejectionReason.UnsupportedMediaType, $"The content type is '{ReportReader.Shorten(contentType ?? "none")}'; send the report as 'application/json'.");
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(context.Request.ContentLength.Value, limit);
        }

        // At least 1: an ArrayBufferWriter refuses a capacity of 0, which a 'Content-Length: 0' would ask for.
        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(context.Request.ContentLength ?? 4096, 1, Math.Min(limit + 1, int.MaxValue)));
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                int read = await context.Request.Body.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.WrittenMemory;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    throw TooLarge(null, limit);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(null, limit);
        }
        catch (BadHttpRequestException ex)
        {
            // The body ended before its Content-Length, or came too slowly: Kestrel's words, counted like any refusal.
            throw new ReportRejectedException(RejectionReason.IncompleteBody, $"The body could not be read to its end ({ex.Message.TrimEnd('.')}); send the whole report in one request.");
        }
        catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            // The sender closed or reset the connection mid-body (whether Kestrel noticed it first or the read did).
            throw new ReportRejectedException(RejectionReason.IncompleteBody, "The connection closed before the body ended; send the whole report in one request.");
        }
    }

    private static ReportRejectedException TooLarge(long? length, long limit) => new(
        RejectionReason.BodyTooLarge,
        length is { } given
            ? $"The body is {given} bytes; this collector accepts reports of at most {limit} bytes."
            : $"The body is larger than {limit} bytes, the most this collector accepts for one report.");
}

/// <summary>Comparison of secrets that takes the same time wherever they differ.</summary>
internal static class Secrets
{
    public static bool Equal(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

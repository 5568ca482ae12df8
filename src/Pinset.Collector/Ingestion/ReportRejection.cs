namespace Pinset.Collector;

/// <summary>Why a posted body was refused; the value is the <c>reason</c> tag of <c>pinset.collector.reports.rejected</c>.</summary>
internal enum RejectionReason
{
    BodyTooLarge,
    IncompleteBody,
    UnsupportedMediaType,
    MalformedJson,
    NotAReport,
    Unauthorized,
    RateLimited,
    Saturated,
    StorageFailed,
}

/// <summary>A refused report: the HTTP status, the reason and a sentence for the sender.</summary>
internal sealed class ReportRejectedException(RejectionReason reason, string message) : Exception(message)
{
    public RejectionReason Reason { get; } = reason;

    public int StatusCode => Reason switch
    {
        RejectionReason.BodyTooLarge => StatusCodes.Status413PayloadTooLarge,
        RejectionReason.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        RejectionReason.Unauthorized => StatusCodes.Status401Unauthorized,
        RejectionReason.RateLimited => StatusCodes.Status429TooManyRequests,
        RejectionReason.Saturated or RejectionReason.StorageFailed => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The tag value: kebab-case of the reason.</summary>
    public static string Tag(RejectionReason reason) => reason switch
    {
        RejectionReason.BodyTooLarge => "body-too-large",
        RejectionReason.IncompleteBody => "incomplete-body",
        RejectionReason.UnsupportedMediaType => "unsupported-media-type",
        RejectionReason.MalformedJson => "malformed-json",
        RejectionReason.NotAReport => "not-a-report",
        RejectionReason.Unauthorized => "unauthorized",
        RejectionReason.RateLimited => "rate-limited",
        RejectionReason.Saturated => "saturated",
        _ => "storage-failed",
    };
}

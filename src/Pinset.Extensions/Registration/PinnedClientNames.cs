namespace Pinset.Extensions;

/// <summary>
/// The IHttpClientFactory clients that <c>UseCertificatePinning</c> named, or every client when it was called on the
/// builder of <c>ConfigureHttpClientDefaults</c> (whose name is null).
/// </summary>
internal sealed class PinnedClientNames
{
    /// <summary>The names of Pinset's own clients (bundle fetching), which ConfigureHttpClientDefaults never pins: the fix for stale pins must not need fresh ones.</summary>
    public const string OwnPrefix = "Pinset.";

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private volatile bool _all;

    public bool All => _all;

    public void Add(string? name)
    {
        if (name is null)
        {
            _all = true;
            return;
        }

        lock (_names)
        {
            _names.Add(name);
        }
    }

    public bool Contains(string name)
    {
        if (_all)
        {
            return !name.StartsWith(OwnPrefix, StringComparison.Ordinal);
        }

        lock (_names)
        {
            return _names.Contains(name);
        }
    }

    public IReadOnlyList<string> Named()
    {
        lock (_names)
        {
            return [.. _names];
        }
    }
}

namespace Pinset.Extensions;

/// <summary>The IHttpClientFactory clients that <c>UseCertificatePinning</c> named.</summary>
internal sealed class PinnedClientNames
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public void Add(string name)
    {
        lock (_names)
        {
            _names.Add(name);
        }
    }

    public bool Contains(string name)
    {
        lock (_names)
        {
            return _names.Contains(name);
        }
    }
}

namespace Pinset;

/// <summary>The rule every adapter shares: install once, never on top of someone else's callback.</summary>
internal static class AdapterGuard
{
    /// <summary>True when <paramref name="existing"/> is already this pinner's callback; throws when it is anything else but null.</summary>
    public static bool AlreadyPinned(Delegate? existing, CertificatePinner pinner, string slot)
    {
        if (existing is null)
        {
            return false;
        }

        if (existing.Target is PinningCallback callback)
        {
            return ReferenceEquals(callback.Pinner, pinner)
                ? true
                : throw new InvalidOperationException($"{slot} is already pinned by another CertificatePinner; build one pinner with every policy instead.");
        }

        throw new InvalidOperationException($"{slot} already has a certificate callback ('{existing.Method.Name}'); Pinset will not run on top of another callback that may accept what the platform refused. Remove it and let the pinner decide.");
    }
}

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

        throw new InvalidOperationException(
            $"{slot} already has a certificate callback, {Owner(existing)}; Pinset will not run on top of another callback that may accept what the platform refused. Remove that callback and let the pinner decide.");
    }

    /// <summary>Who set a callback, in the words a user recognises: the library and its setting where Pinset knows them.</summary>
    private static string Owner(Delegate callback)
    {
        var type = callback.Method.DeclaringType;
        string assembly = type?.Assembly.GetName().Name ?? "an unknown assembly";
        return assembly switch
        {
            "RestSharp" => "set by RestSharp from RestClientOptions.RemoteCertificateValidationCallback (its documentation suggests it for pinning; with Pinset, leave it unset)",
            "System.Net.Http" when callback.Method.Name.Contains("DangerousAcceptAnyServerCertificateValidator", StringComparison.Ordinal) => "HttpClientHandler.DangerousAcceptAnyServerCertificateValidator, which accepts any certificate",
            _ => $"'{callback.Method.Name}' of '{type?.FullName}' in assembly '{assembly}'",
        };
    }
}

namespace Pinset.Extensions;

/// <summary>What a client does when its pin bundle expires (<see cref="PinBundleOptions.OnExpiry"/>). Either way it is logged (event 13), counted and shown by the health check.</summary>
public enum PinBundleExpiry
{
    /// <summary>Use the policy in the app's configuration again, until a new bundle arrives.</summary>
    FallBackToConfiguration,

    /// <summary>Refuse every host the expired bundle pinned, until a new bundle arrives: stale pins are not trusted, and neither is the fallback.</summary>
    FailClosed,
}

namespace Pinset;

/// <summary>What a policy does with a chain that does not match its pins.</summary>
public enum PinningMode
{
    /// <summary>Refuse the connection. The default.</summary>
    Enforce,

    /// <summary>Let the connection through and flag the result, to roll a policy out safely before enforcing it.</summary>
    ReportOnly,
}

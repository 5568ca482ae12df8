namespace Pinset.Cli;

/// <summary>The exit codes every command shares; docs/cli.md lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Refused: a pin mismatch or a banned pin, the security verdict.</summary>
    public const int Refused = 1;

    /// <summary>Bad usage or bad input: an unreadable file, a malformed pin, policy or certificate.</summary>
    public const int BadInput = 2;

    /// <summary>Could not connect: DNS, refused, timeout, a TLS alert before a certificate.</summary>
    public const int ConnectFailed = 3;

    /// <summary>The platform did not trust the chain: unknown CA, expired, wrong host, missing intermediate.</summary>
    public const int Untrusted = 4;

    /// <summary>check only: nothing fails today, but a rotation risk was found.</summary>
    public const int RotationRisk = 5;

    /// <summary>The code's name in JSON errors: refused, bad-input, connect-failed, untrusted, rotation-risk, interrupted.</summary>
    public static string Name(int exitCode) => exitCode switch
    {
        Success => "success",
        Refused => "refused",
        BadInput => "bad-input",
        ConnectFailed => "connect-failed",
        Untrusted => "untrusted",
        RotationRisk => "rotation-risk",
        _ => "error",
    };
}

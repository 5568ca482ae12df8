namespace Pinset.Cli;

/// <summary>
/// One rotation risk <c>pinset check</c> found: a stable <see cref="Code"/> for scripts (<c>--json</c>), and the
/// sentence for people. The codes are <see cref="Codes"/>; a code never changes meaning once released.
/// </summary>
internal sealed record CheckRisk(string Code, string Message)
{
    public const string NoBackupPin = "no-backup-pin";
    public const string LeafOnly = "leaf-only";
    public const string PolicyExpiresSoon = "policy-expires-soon";
    public const string PinnedCertificateExpiresSoon = "pinned-certificate-expires-soon";
    public const string RotatingPool = "rotating-pool";
    public const string CdnMaySwitchCa = "cdn-may-switch-ca";

    /// <summary>Every code, in the order check reports them.</summary>
    public static IReadOnlyList<string> Codes { get; } = [NoBackupPin, LeafOnly, PolicyExpiresSoon, PinnedCertificateExpiresSoon, RotatingPool, CdnMaySwitchCa];

    public override string ToString() => Message;
}

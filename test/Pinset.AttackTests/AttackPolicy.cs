namespace Pinset.AttackTests;

/// <summary>The policy most attack tests pin with: one host, one pin, and <see cref="TestPki.BackupPin"/> as the backup every enforced policy needs.</summary>
internal static class AttackPolicy
{
    public static PinningPolicy For(string host, SpkiPin pin, PinningMode mode = PinningMode.Enforce, SpkiPin? banned = null) => PinningPolicy.Create(new PinningConfiguration
    {
        Policies =
        [
            new HostPolicyConfiguration
            {
                Hosts = [host],
                Pins = [pin.ToString(), TestPki.BackupPin.ToString()],
                BannedPins = banned is { } ban ? [ban.ToString()] : [],
                Mode = mode == PinningMode.ReportOnly ? "report-only" : "enforce",
            },
        ],
    });
}

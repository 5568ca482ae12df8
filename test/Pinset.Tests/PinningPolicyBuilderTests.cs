using Microsoft.Extensions.Time.Testing;

namespace Pinset.Tests;

/// <summary>
/// The builder from the caller's side: typed pins and patterns, every problem at once, the configuration's rules with
/// the backup-pin rule as a visible warning, a policy that pins a real TLS connection, and one build per builder.
/// </summary>
public sealed class PinningPolicyBuilderTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private CertificatePinner Pinner(PinningPolicy policy) => new(policy, new CertificatePinnerOptions { CustomTrustRoots = _pki.TrustBoth() });

    [Fact]
    public async Task Build_PinsARealConnection_GenuinePassesInterceptorRefused()
    {
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(p => p.ForHost(HostPattern.Parse(TestPki.DefaultHost)).Pin(_pki.Intermediate.Pin).Pin(TestPki.BackupPin));
        var pinner = Pinner(builder.Build());
        Assert.Empty(builder.Warnings);

        await using var genuine = LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain());
        var passed = await TlsClient.ConnectAsync(genuine, pinner);
        Assert.True(passed.Completed, passed.Error?.ToString());
        Assert.Equal(PinValidationOutcome.PinMatched, passed.Result!.Outcome);

        await using var interceptor = LoopbackTlsServer.Start(_pki.InterceptorLeaf);
        var refused = await TlsClient.ConnectAsync(interceptor, pinner);
        Assert.Equal(PinValidationOutcome.PinMismatch, Assert.IsType<PinValidationException>(refused.Error).Result.Outcome);
        Assert.Equal(0, interceptor.Requests);
    }

    [Fact]
    public void Build_EveryProblemAtOnce()
    {
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(p => p.Pin(TestPki.BackupPin));
        builder.AddPolicy(p => p.ForHost(HostPattern.Parse("api.exchange.test")).Pin(TestPki.BackupPin).Ban(TestPki.BackupPin).Pin(_pki.Root.Pin));
        builder.AddPolicy(p => p.ForHost(HostPattern.Parse("api.exchange.test")).Pin(_pki.Root.Pin).Pin(TestPki.BackupPin).ReportTo(new Uri("ftp://reports.exchange.test/")));
        var error = Assert.Throws<PinningConfigurationException>(builder.Build);

        Assert.Equal(
            [
                "policy 0: it names no host; call ForHost(HostPattern.Parse(\"api.example.com\")).",
                $"policy 1 ('api.exchange.test'): Pin '{TestPki.BackupPin}' is both pinned and banned; remove it from one of 'pins' and 'bannedPins'.",
                "policy 2 ('api.exchange.test'): Report URI 'ftp://reports.exchange.test/' is not an absolute http or https URI, such as 'https://reports.example.com/pins'.",
            ],
            error.Errors);
    }

    [Fact]
    public void Build_SinglePinEnforced_AllowedWithAWarningTheCallerSees()
    {
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(p => p.ForHost(HostPattern.Parse(TestPki.DefaultHost)).Pin(_pki.LeafPin));
        var policy = builder.Build();

        Assert.Single(policy.Policies);
        var warning = Assert.Single(builder.Warnings);
        Assert.StartsWith($"policy 0 ('{TestPki.DefaultHost}'): An enforced policy needs at least two distinct pins", warning, StringComparison.Ordinal);

        var file = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Create(new PinningConfiguration
        {
            Policies = [new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.LeafPin.ToString()] }],
        }));
        Assert.Contains("An enforced policy needs at least two distinct pins", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SamePatternInTwoPolicies_Refused_AndAnEmptyBuilderToo()
    {
        var twice = new PinningPolicyBuilder();
        twice.AddPolicy(p => p.ForHost(HostPattern.Parse("*.exchange.test")).Pin(_pki.Root.Pin).Pin(TestPki.BackupPin));
        twice.AddPolicy(p => p.ForHost(HostPattern.Parse("*.EXCHANGE.test.")).Pin(_pki.Root.Pin).Pin(TestPki.BackupPin));
        Assert.Contains("policy 1: host pattern '*.exchange.test' is already in policy 0", Assert.Throws<PinningConfigurationException>(twice.Build).Message, StringComparison.Ordinal);

        Assert.Equal(["The builder has no policy; a pinning policy pins at least one host (AddPolicy)."], Assert.Throws<PinningConfigurationException>(new PinningPolicyBuilder().Build).Errors);
    }

    [Fact]
    public void ExpiresAfter_CountsFromTheBuildersClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        var builder = new PinningPolicyBuilder(time);
        builder.AddPolicy(p => p.ForHost(HostPattern.Parse(TestPki.DefaultHost)).Pin(_pki.Root.Pin).Pin(TestPki.BackupPin).ExpiresAfter(TimeSpan.FromDays(90)).ReportOnly());
        var policy = builder.Build().Policies[0];

        Assert.Equal(new DateTimeOffset(2027, 3, 2, 0, 0, 0, TimeSpan.Zero), policy.Expires);
        Assert.Equal(PinningMode.ReportOnly, policy.Mode);
    }

    [Fact]
    public void Builder_BuildsOnce()
    {
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(p => p.ForHost(HostPattern.Parse(TestPki.DefaultHost)).Pin(_pki.Root.Pin).Pin(TestPki.BackupPin));
        builder.Build();

        Assert.Contains("builds once", Assert.Throws<InvalidOperationException>(builder.Build).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => builder.AddPolicy(_ => { }));
    }

    [Fact]
    public void BuiltPolicy_ItsListsCannotBeCastBackAndChanged()
    {
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(p => p.ForHost(HostPattern.Parse(TestPki.DefaultHost)).Pin(_pki.Root.Pin).Pin(TestPki.BackupPin).Ban(_pki.InterceptorRoot.Pin));
        var rule = builder.Build().Policies[0];

        Assert.IsNotType<SpkiPin[]>(rule.Pins);
        Assert.Throws<NotSupportedException>(() => ((IList<SpkiPin>)rule.Pins)[0] = _pki.InterceptorRoot.Pin);
        Assert.Throws<NotSupportedException>(() => ((IList<SpkiPin>)rule.BannedPins).Clear());
        Assert.Throws<NotSupportedException>(() => ((IList<HostPattern>)rule.Hosts).Add(HostPattern.Parse("evil.test")));
        Assert.Equal([_pki.Root.Pin, TestPki.BackupPin], rule.Pins);
    }

    [Fact]
    public void Builder_ValuesLeftUnset_RefusedWhereTheyAreGiven()
    {
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(p =>
        {
            Assert.Contains("left unset", Assert.Throws<ArgumentException>(() => p.Pin(default)).Message, StringComparison.Ordinal);
            Assert.Contains("left unset", Assert.Throws<ArgumentException>(() => p.Ban(default)).Message, StringComparison.Ordinal);
            Assert.Contains("left unset", Assert.Throws<ArgumentException>(() => p.PinCertificate(default)).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentNullException>(() => p.ForHost(null!));
            Assert.Throws<ArgumentOutOfRangeException>(() => p.ExpiresAfter(TimeSpan.Zero));
        });
    }

    [Fact]
    public void Builder_ExpiredBeforeItIsBuilt_AWarning_AndACapturedPolicyBuilderIsDeadAfterBuild()
    {
        HostPolicyBuilder? captured = null;
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(p => captured = p.ForHost(HostPattern.Parse(TestPki.DefaultHost)).Pin(_pki.Root.Pin).Pin(TestPki.BackupPin).ExpiresAt(DateTimeOffset.UtcNow.AddDays(-1)));
        builder.Build();

        Assert.Contains("before it was built, so its hosts are not pinned", Assert.Single(builder.Warnings), StringComparison.Ordinal);
        Assert.Contains("has built its policy already", Assert.Throws<InvalidOperationException>(() => captured!.Ban(TestPki.BackupPin)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => captured!.ReportOnly());
    }

    [Fact]
    public void ReportUriWithAPassword_RefusedInCodeAndInAFile()
    {
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(p => p.ForHost(HostPattern.Parse(TestPki.DefaultHost)).Pin(_pki.Root.Pin).Pin(TestPki.BackupPin).ReportTo(new Uri("https://user:secret@reports.exchange.test/")));
        Assert.Contains("carries a user name or password", Assert.Throws<PinningConfigurationException>(builder.Build).Message, StringComparison.Ordinal);

        var file = Assert.Throws<PinningConfigurationException>(() => PinningPolicy.Create(new PinningConfiguration
        {
            Policies = [new HostPolicyConfiguration { Hosts = [TestPki.DefaultHost], Pins = [_pki.Root.Pin.ToString(), TestPki.BackupPin.ToString()], ReportUris = ["https://user:secret@reports.exchange.test/"] }],
        }));
        Assert.Contains("carries a user name or password", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModeNames_AnUndefinedMode_IsNotSilentlyEnforce() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PinningModeNames.Of((PinningMode)7));
}

namespace Pinset.AttackTests;

/// <summary>
/// When anything in the pinning path fails (the observer or a custom reporter throws, the policy source throws or
/// yields nothing), the connection is refused before any request, even where the verdict would have allowed it.
/// Served by the real nginx: the genuine chain, and an interceptor the client trusts.
/// </summary>
public sealed class FailClosedTests : IAsyncLifetime
{
    private const string Host = "localhost";
    private readonly TestPki _pki = new();
    private readonly TempDirectory _dir = new();
    private NginxServer _nginx = null!;

    public enum Failure
    {
        /// <summary>The OnValidated observer throws on a verdict that allows the genuine chain.</summary>
        ObserverThrowsOnAllowed,

        /// <summary>A custom reporter (an OnValidated observer) throws on a report-only mismatch, which alone would be allowed.</summary>
        ReporterThrowsOnReportOnlyMismatch,

        /// <summary>The policy source (configuration reload) throws.</summary>
        PolicySourceThrows,

        /// <summary>The policy source yields null.</summary>
        PolicySourceYieldsNull,

        /// <summary>The policy source reloads the policy file on each connection, and the file on disk is now malformed.</summary>
        PolicyFileCorrupted,
    }

    public static TheoryData<Failure, AttackClient> Cases()
    {
        var data = new TheoryData<Failure, AttackClient>();
        foreach (var failure in Enum.GetValues<Failure>())
        {
            foreach (var client in Enum.GetValues<AttackClient>())
            {
                data.Add(failure, client);
            }
        }

        return data;
    }

    public async Task InitializeAsync() => _nginx = await NginxServer.StartAsync(
    [
        new NginxSite("genuine", _pki.Leaf, [_pki.Intermediate.Certificate]),
        new NginxSite("interceptor", _pki.InterceptorLeaf, []),
    ]);

    [RequiresToolsTheory("nginx")]
    [MemberData(nameof(Cases))]
    public async Task Connect_PinningPathFails_RefusedBeforeAnyRequest(Failure failure, AttackClient client)
    {
        var options = new CertificatePinnerOptions { CustomTrustRoots = _pki.TrustBoth() };
        var enforced = Policy(PinningMode.Enforce);
        var (pinner, site, cause) = failure switch
        {
            Failure.ObserverThrowsOnAllowed => (new CertificatePinner(enforced, options with { OnValidated = Throw }), "genuine", "observer failed"),
            Failure.ReporterThrowsOnReportOnlyMismatch => (new CertificatePinner(Policy(PinningMode.ReportOnly), options with { OnValidated = Throw }), "interceptor", "observer failed"),
            Failure.PolicySourceThrows => (CertificatePinner.WithPolicySource(() => throw new InvalidOperationException("policy store unreachable"), options), "genuine", "policy store unreachable"),
            Failure.PolicySourceYieldsNull => (CertificatePinner.WithPolicySource(() => null!, options), "genuine", "The current pinning policy is null."),
            _ => (CertificatePinner.WithPolicySource(() => PinningPolicy.Load(CorruptedPolicyFile()), options), "genuine", "is 3 bytes long"),
        };
        var path = AttackAttempt.NewPath();

        var ending = await AttackAttempt.RunAsync(client, pinner, Host, _nginx.Port(site), path);

        Assert.True(ending.Refusal is not null, $"The connection was not refused: {ending}");
        Assert.Equal(PinValidationOutcome.ValidationError, ending.Refusal.Result.Outcome);
        Assert.Contains(cause, ending.Refusal.Message, StringComparison.Ordinal);
        Assert.Null(await _nginx.FindRequestAsync(path));
    }

    [RequiresToolsFact("nginx")]
    public async Task Connect_ReportOnlyMismatchWithWorkingObserver_AllowedAsTheControl()
    {
        // The control for the reporter case: the same report-only policy with an observer that works lets it through.
        var verdicts = new VerdictRecorder();
        var pinner = verdicts.Pinner(Policy(PinningMode.ReportOnly), _pki.TrustBoth());
        var path = AttackAttempt.NewPath();

        var ending = await AttackAttempt.RunAsync(AttackClient.HttpClient, pinner, Host, _nginx.Port("interceptor"), path);

        Assert.Null(ending.Error);
        Assert.Equal(PinValidationOutcome.ReportOnlyMismatch, verdicts.Last.Outcome);
        Assert.NotNull(await _nginx.FindRequestAsync(path));
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        _pki.Dispose();
        _dir.Dispose();
    }

    /// <summary>A policy file whose pin was truncated on disk, as a half-written deployment leaves it.</summary>
    private string CorruptedPolicyFile()
    {
        var path = _dir.File("pinning.json");
        File.WriteAllText(path, $$$"""{"pinning": {"policies": [{"hosts": ["{{{Host}}}"], "pins": ["sha256/AAAA", "{{{TestPki.BackupPin}}}"]}]}}""");
        return path;
    }

    private static void Throw(PinValidationResult result) => throw new InvalidOperationException($"observer failed on {result.Outcome}");

    private PinningPolicy Policy(PinningMode mode) => AttackPolicy.For(Host, _pki.Intermediate.Pin, mode);
}

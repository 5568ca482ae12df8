using BenchmarkDotNet.Attributes;

namespace Pinset.Benchmarks;

/// <summary>
/// Finding a host's policy among 10, 1,000 and 10,000 policies: per call, an exact name, a name under a <c>**.</c>
/// wildcard, and a name no policy covers (which walks every table). Names have one length in every size.
/// </summary>
[MemoryDiagnoser]
public class PolicyLookupBenchmarks
{
    private PinningPolicy _ten = null!;
    private PinningPolicy _thousand = null!;
    private PinningPolicy _tenThousand = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ten = Build(10);
        _thousand = Build(1_000);
        _tenThousand = Build(10_000);
    }

    private const string Wildcard = "ws.stream.exchange.net";
    private const string Unpinned = "api00007.exchange.org";
    // Names of one length in every size, so only the number of policies differs between the benchmarks.
    private readonly string _exactTen = "api00007.exchange.com";
    private readonly string _exactThousand = "api00777.exchange.com";
    private readonly string _exactTenThousand = "api07777.exchange.com";

    [Benchmark(Baseline = true)]
    public int Ten() => Lookup(_ten, _exactTen);

    [Benchmark]
    public int Thousand() => Lookup(_thousand, _exactThousand);

    [Benchmark]
    public int TenThousand() => Lookup(_tenThousand, _exactTenThousand);

    private static int Lookup(PinningPolicy policy, string exact) => policy.Find(exact)!.Index + policy.Find(Wildcard)!.Index + (policy.Find(Unpinned) is null ? 1 : 0);

    private static PinningPolicy Build(int count)
    {
        var pins = new[] { SpkiPin.FromSubjectPublicKeyInfo("a"u8).ToString(), SpkiPin.FromSubjectPublicKeyInfo("b"u8).ToString() };
        var policies = Enumerable.Range(0, count).Select(i => new HostPolicyConfiguration { Hosts = [$"api{i:D5}.exchange.com"], Pins = pins }).ToList();
        policies.Add(new HostPolicyConfiguration { Hosts = ["**.exchange.net"], Pins = pins });
        return PinningPolicy.Create(new() { Policies = policies });
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pinset.Collector;

// The collector's load benchmark (docs/benchmarks.md, "Collector ingestion"). Run by hand, never in CI:
//   dotnet run -c Release --project bench/Pinset.Collector.Load -- sqlite|postgres [--seconds 20] [--warmup 10] [--concurrency 64]
// The collector runs as its own process (the Release build of src/Pinset.Collector, default settings), on 127.0.0.1.
// A closed-loop generator in this process keeps --concurrency requests in flight, one connection per sender, each
// sender from its own loopback address (127.0.0.2, 127.0.0.3, ...) as a fleet's clients would be, so the default
// per-client rate limit applies unchanged. Every answer must be 202; the stored count is checked against them at the end.
var storage = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "sqlite";
var seconds = Option("--seconds", 20);
var warmup = Option("--warmup", 10);
var concurrency = Option("--concurrency", 64);
if (storage is not ("sqlite" or "postgres"))
{
    Console.Error.WriteLine($"The storage is '{storage}'; expected 'sqlite' or 'postgres'.");
    return 2;
}

using var directory = new TempDirectory();
await using var postgres = storage == "postgres" ? await PostgresServer.StartAsync() : null;
var connection = postgres is null ? $"Data Source={directory.File("reports.db")}" : await postgres.CreateDatabaseAsync();
string[] collectorArguments = storage == "postgres" ? ["--Storage:Provider=PostgreSQL", $"--ConnectionStrings:Reports={connection}"] : [$"--ConnectionStrings:Reports={connection}"];
var bodies = Bodies();
Uri? address = null;
var dotnet = new ExternalTool(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "the .NET SDK");
await using var collector = await ToolServerProcess.StartAsync(
    dotnet,
    [Path.Combine(AppContext.BaseDirectory, "Pinset.Collector.dll"), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", .. collectorArguments],
    isReady: line =>
    {
        var match = Regex.Match(line, @"Now listening on: (http://\S+)");
        address = match.Success ? new Uri(match.Groups[1].Value) : address;
        return match.Success;
    },
    environment: new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" });

Console.WriteLine($"Collector on {address} with {storage}; {concurrency} senders, {bodies.Length} distinct reports, {warmup} s warm-up, {seconds} s measured.");
var senders = Enumerable.Range(0, concurrency).Select(i => Sender(address!, IPAddress.Parse($"127.0.0.{2 + (i % 250)}"))).ToArray();
await RunAsync(TimeSpan.FromSeconds(warmup), record: false);
var (accepted, refused, latencies, elapsed) = await RunAsync(TimeSpan.FromSeconds(seconds), record: true);
latencies.Sort();
double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)] * 1000.0 / Stopwatch.Frequency;
Console.WriteLine($"| {storage} | {accepted / elapsed.TotalSeconds:N0} reports/s | p50 {Percentile(0.50):0.0} ms | p90 {Percentile(0.90):0.0} ms | p99 {Percentile(0.99):0.0} ms | max {Percentile(1.0):0.0} ms | {accepted:N0} answered 202 | {refused} other answers |");

ReportStore store = storage == "postgres" ? new PostgresReportStore(connection) : new SqliteReportStore(connection);
await using (store)
{
    var (rows, reports) = await store.CountAsync(CancellationToken.None);
    Console.WriteLine($"Stored: {reports:N0} reports in {rows:N0} rows (warm-up included); every 202 is among them: {(reports >= accepted ? "yes" : "NO")}.");
}

foreach (var sender in senders)
{
    sender.Dispose();
}

return refused == 0 ? 0 : 1;

async Task<(long Accepted, long Refused, List<long> Latencies, TimeSpan Elapsed)> RunAsync(TimeSpan duration, bool record)
{
    long accepted = 0, refused = 0;
    var perSender = new List<long>[senders.Length];
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(senders.Select((client, i) => Task.Run(async () =>
    {
        var latencies = perSender[i] = new List<long>(record ? 200_000 : 0);
        int next = i * 7;
        while (clock.Elapsed < duration)
        {
            var body = bodies[next++ % bodies.Length];
            long start = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync("/reports", content);
            long took = Stopwatch.GetTimestamp() - start;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref accepted);
                if (record)
                {
                    latencies.Add(took);
                }
            }
            else
            {
                Interlocked.Increment(ref refused);
            }
        }
    })));
    var elapsed = clock.Elapsed;
    return (accepted, refused, [.. perSender.SelectMany(l => l)], elapsed);
}

static HttpClient Sender(Uri address, IPAddress from) => new(new SocketsHttpHandler
{
    MaxConnectionsPerServer = 1,
    ConnectCallback = async (context, cancellationToken) =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    },
})
{ BaseAddress = address };

// 20 hosts x 5 app versions x 2 modes x 2 chains (the genuine one and an interceptor's): 400 distinct reports, as a
// fleet sends them, so the group commit both adds to existing rows and inserts new ones.
static byte[][] Bodies()
{
    using var pki = new TestPki();
    var chains = new[]
    {
        new[] { pki.Leaf, pki.Intermediate.Certificate, pki.Root.Certificate }.Select(c => c.ExportCertificatePem()).ToArray(),
        new[] { pki.InterceptorLeaf, pki.InterceptorRoot.Certificate }.Select(c => c.ExportCertificatePem()).ToArray(),
    };
    var bodies = new List<byte[]>();
    for (int host = 0; host < 20; host++)
    {
        foreach (var version in new[] { "4.0.0", "4.1.0", "4.2.0", "4.2.1", "5.0.0" })
        {
            foreach (var mode in new[] { "enforce", "report-only" })
            {
                foreach (var chain in chains)
                {
                    var report = new JsonObject
                    {
                        ["date-time"] = "2026-12-02T08:00:00Z",
                        ["hostname"] = $"api{host.ToString(CultureInfo.InvariantCulture)}.exchange.test",
                        ["port"] = 443,
                        ["effective-expiration-date"] = "2027-06-30T00:00:00Z",
                        ["include-subdomains"] = false,
                        ["noted-hostname"] = $"api{host.ToString(CultureInfo.InvariantCulture)}.exchange.test",
                        ["served-certificate-chain"] = new JsonArray([.. chain.Select(p => (JsonNode?)p)]),
                        ["validated-certificate-chain"] = new JsonArray([.. chain.Select(p => (JsonNode?)p)]),
                        ["known-pins"] = new JsonArray(pki.Intermediate.Pin.ToHpkpString(), TestPki.BackupPin.ToHpkpString()),
                        ["mode"] = mode,
                        ["outcome"] = "PinMismatch",
                        ["app-name"] = "trading-desk",
                        ["app-version"] = version,
                    };
                    bodies.Add(Encoding.UTF8.GetBytes(report.ToJsonString()));
                }
            }
        }
    }

    return [.. bodies];
}

int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out int value) ? value : fallback;
}

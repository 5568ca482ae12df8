using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Pinset.Bundles.OutsideTests;

/// <summary>The client as an app wires it: generic host, real Kestrel serving the bundle, real pinned HttpClient.</summary>
public sealed class ClientTests(ITestOutputHelper output)
{
    private const string StateFileName = "pinset-bundle-state.json";

    private void Dump(CapturedLogs logs)
    {
        foreach (var e in logs.Entries.Where(e => e.Category == "Pinset"))
        {
            output.WriteLine($"[{e.EventId} {e.EventName} {e.Level}] {e.Message}");
        }
    }

    private static async Task<PinBundleRefreshResult> PublishAndRefresh(World world, IHost app, string bundle)
    {
        world.Publish(bundle);
        return await World.RefreshAsync(app);
    }

    [Fact]
    public async Task Bundle_NewerVersion_AppliesToRealPinnedConnections_AndUnchangedSends304()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        Assert.True(await world.GenuineAcceptedAsync(app));

        var result = await PublishAndRefresh(world, app, world.SignBundle(3));
        output.WriteLine(result.ToString());
        Assert.Equal(PinBundleRefreshOutcome.Applied, result.Outcome);
        Assert.Equal(3, result.Version);
        Assert.False(await world.GenuineAcceptedAsync(app)); // the bundle pins keys the genuine server does not have
        output.WriteLine(File.ReadAllText(Path.Combine(world.StateDirectory, StateFileName)));

        var again = await World.RefreshAsync(app);
        Assert.Equal(PinBundleRefreshOutcome.Unchanged, again.Outcome);
        Assert.NotNull(world.IfNoneMatchSeen.Last());
        await app.StopAsync();
        Dump(logs);
    }

    [Fact]
    public async Task Bundle_ForgedWithTrustedKid_IsRefused_PinsStay_HealthDegradedNamingRefusal()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        var forged = world.SignBundle(3, key: world.Other).Split('.');
        var text = Jws.Sign(world.Other, Jws.Header(world.Signer), Jws.Text(forged[1]));
        var result = await PublishAndRefresh(world, app, text);
        Assert.Equal(PinBundleRefreshOutcome.Refused, result.Outcome);
        Assert.Equal(PinBundleRefusal.BadSignature, result.Refusal);
        Assert.True(await world.GenuineAcceptedAsync(app));
        var health = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        output.WriteLine(health.Entries["pinset"].Description);
        Assert.Equal(HealthStatus.Degraded, health.Entries["pinset"].Status);
        Assert.Contains("BadSignature", health.Entries["pinset"].Description ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.EventId == 12);
        await app.StopAsync();
    }

    [Fact]
    public async Task Restart_SameStateDirectory_AppliesLastBundleOffline_AndRefusesOlderVersion()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using (var first = world.BuildApp(logs))
        {
            await World.StartAndSettleAsync(first, logs);
            Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, first, world.SignBundle(5))).Outcome);
            await first.StopAsync();
        }

        world.Serve = c =>
        {
            c.Response.StatusCode = 404;
            return Task.CompletedTask;
        };
        var logs2 = new CapturedLogs();
        using var second = world.BuildApp(logs2);
        await World.StartAndSettleAsync(second, logs2);
        Assert.Equal(world.OtherPins.Order(), World.PinsInForce(second).Select(p => p.ToString()).Order()); // v5 in force offline
        var rollback = await PublishAndRefresh(world, second, world.SignBundle(4, pins: world.GoodPins));
        Assert.Equal(PinBundleRefreshOutcome.Refused, rollback.Outcome);
        Assert.Equal(PinBundleRefusal.Rollback, rollback.Refusal);
        var conflict = await PublishAndRefresh(world, second, world.SignBundle(5, pins: world.GoodPins));
        Assert.Equal(PinBundleRefusal.ConflictingVersion, conflict.Refusal);
        Assert.False(await world.GenuineAcceptedAsync(second));
        await second.StopAsync();
    }

    [Fact]
    public async Task Bundle_SameVersionSameContentResigned_IsNotAConflict()
    {
        // Signatures are randomized: re-signing identical content gives another text. Same content -> not refused.
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        var issued = DateTimeOffset.UtcNow.AddMinutes(-1);
        var expires = issued.AddDays(7);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, app, world.SignBundle(5, issuedAt: issued, expires: expires))).Outcome);
        var again = await PublishAndRefresh(world, app, world.SignBundle(5, issuedAt: issued, expires: expires));
        output.WriteLine(again.ToString());
        Assert.NotEqual(PinBundleRefreshOutcome.Refused, again.Outcome);
        await app.StopAsync();
    }

    /// <summary>
    /// FINDING (accepts-what-it-should-refuse: rollback across restart). bundles.md's own example puts the state in
    /// LocalApplicationData/TradeBot/pinset, which two running copies of the app share.
    /// Two apps (or two instances of one app) given the same state directory. App A accepts version 5; app B, running
    /// beside it, has only seen nothing and accepts version 4 (it has not accepted anything newer). Then A restarts: it
    /// must still refuse anything below 5 ("never accepts an older version than one it has accepted"), i.e. B must not
    /// have lowered the shared memory.
    /// </summary>
    [Fact]
    public async Task SharedStateDirectory_SecondAppAcceptingOlderVersion_DoesNotRollBackTheFirstAfterRestart()
    {
        await using var world = await World.StartAsync();
        var logsA = new CapturedLogs();
        var logsB = new CapturedLogs();
        var v5Pins = new[] { TestPki.BackupPin.ToString(), Jws.Pin(Jws.NewKey()) };
        using (var a = world.BuildApp(logsA))
        using (var b = world.BuildApp(logsB))
        {
            await World.StartAndSettleAsync(a, logsA);
            await World.StartAndSettleAsync(b, logsB);
            Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, a, world.SignBundle(5, pins: v5Pins))).Outcome);
            var bResult = await PublishAndRefresh(world, b, world.SignBundle(4));
            output.WriteLine("B given v4 after A wrote v5: " + bResult);
            await a.StopAsync();
            await b.StopAsync();
        }

        output.WriteLine(File.ReadAllText(Path.Combine(world.StateDirectory, StateFileName)));
        world.Serve = c =>
        {
            c.Response.StatusCode = 404;
            return Task.CompletedTask;
        };
        var logsC = new CapturedLogs();
        using var restartedA = world.BuildApp(logsC);
        await World.StartAndSettleAsync(restartedA, logsC);
        // Observed: B overwrote the state with highestVersion 4; the restarted A applies v4 from it and would accept 4.
        Assert.Equal(v5Pins.Order(), World.PinsInForce(restartedA).Select(p => p.ToString()).Order());
        var older = await PublishAndRefresh(world, restartedA, world.SignBundle(4));
        Assert.Equal(PinBundleRefusal.Rollback, older.Refusal);
        await restartedA.StopAsync();
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("null")]
    public async Task StateFile_Unreadable_StopsTheStartUp(string content)
    {
        await using var world = await World.StartAsync();
        File.WriteAllText(Path.Combine(world.StateDirectory, StateFileName), content);
        var logs = new CapturedLogs();
        var error = await Record.ExceptionAsync(async () =>
        {
            using var app = world.BuildApp(logs);
            await app.StartAsync();
            await app.StopAsync();
        });
        output.WriteLine(error?.Message ?? "started");
        Dump(logs);
        Assert.NotNull(error);
    }

    [Fact]
    public async Task StateFile_VersionLoweredByHand_Probe()
    {
        // Not defended (bundles.md: "anyone who can change ... its state directory"); recorded for completeness.
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using (var app = world.BuildApp(logs))
        {
            await World.StartAndSettleAsync(app, logs);
            await PublishAndRefresh(world, app, world.SignBundle(5));
            await app.StopAsync();
        }

        var path = Path.Combine(world.StateDirectory, StateFileName);
        var text = File.ReadAllText(path);
        output.WriteLine(text);
        world.Withhold();
        File.WriteAllText(path, text.Replace("\"version\":5", "\"version\":1", StringComparison.Ordinal).Replace("\"version\": 5", "\"version\": 1", StringComparison.Ordinal));
        var logs2 = new CapturedLogs();
        var error = await Record.ExceptionAsync(async () =>
        {
            using var app = world.BuildApp(logs2);
            await World.StartAndSettleAsync(app, logs2);
            output.WriteLine("v4 after hand edit: " + await PublishAndRefresh(world, app, world.SignBundle(4)));
            await app.StopAsync();
        });
        output.WriteLine(error?.Message ?? "started");
        Dump(logs2);
    }

    [Fact]
    public async Task StateDirectory_LeftoverTemporaryFilesFromACrash_AreIgnored_AndVersionRemembered()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using (var app = world.BuildApp(logs))
        {
            await World.StartAndSettleAsync(app, logs);
            await PublishAndRefresh(world, app, world.SignBundle(5));
            await app.StopAsync();
        }

        output.WriteLine(string.Join(", ", Directory.GetFiles(world.StateDirectory).Select(Path.GetFileName)));
        world.Withhold();
        foreach (var name in new[] { StateFileName + ".partial", StateFileName + ".tmp", StateFileName + ".new", "." + StateFileName + ".tmp" })
        {
            File.WriteAllText(Path.Combine(world.StateDirectory, name), "{\"version\":1, half");
        }

        var logs2 = new CapturedLogs();
        using var again = world.BuildApp(logs2);
        await World.StartAndSettleAsync(again, logs2);
        var r4 = await PublishAndRefresh(world, again, world.SignBundle(4));
        output.WriteLine(r4.ToString());
        var r6 = await PublishAndRefresh(world, again, world.SignBundle(6));
        output.WriteLine(r6.ToString());
        Dump(logs2);
        Assert.Equal(PinBundleRefusal.Rollback, r4.Refusal);
        Assert.Equal(PinBundleRefreshOutcome.Applied, r6.Outcome);
        await again.StopAsync();
    }

    [Fact]
    public async Task StateDirectory_Missing_IsCreated_OrStartUpFails_NeverAppliedWithoutState()
    {
        await using var world = await World.StartAsync();
        var dir = Path.Combine(world.StateDirectory, "deeper", "still");
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs, stateDirectory: dir);
        await World.StartAndSettleAsync(app, logs);
        var result = await PublishAndRefresh(world, app, world.SignBundle(2));
        output.WriteLine(result.ToString());
        if (result.Outcome == PinBundleRefreshOutcome.Applied)
        {
            Assert.True(File.Exists(Path.Combine(dir, StateFileName)));
        }

        await app.StopAsync();
    }

    [Fact]
    public async Task StateDirectory_IsAFile_BundleNotApplied_AndSaid()
    {
        await using var world = await World.StartAsync();
        var file = Path.Combine(world.StateDirectory, "a-file");
        File.WriteAllText(file, "x");
        var logs = new CapturedLogs();
        var error = await Record.ExceptionAsync(async () =>
        {
            using var app = world.BuildApp(logs, stateDirectory: file);
            await World.StartAndSettleAsync(app, logs);
            var result = await PublishAndRefresh(world, app, world.SignBundle(2));
            output.WriteLine(result.ToString());
            Assert.NotEqual(PinBundleRefreshOutcome.Applied, result.Outcome);
            Assert.True(await world.GenuineAcceptedAsync(app));
            await app.StopAsync();
        });
        output.WriteLine(error?.Message ?? "(started)");
        Dump(logs);
        Assert.True(error is null or not Xunit.Sdk.XunitException, error?.Message);
    }

    [Fact]
    public async Task StateFilePathIsADirectory_StopsTheStartUp()
    {
        await using var world = await World.StartAsync();
        Directory.CreateDirectory(Path.Combine(world.StateDirectory, StateFileName));
        var logs = new CapturedLogs();
        var error = await Record.ExceptionAsync(async () =>
        {
            using var app = world.BuildApp(logs);
            await World.StartAndSettleAsync(app, logs);
            var result = await PublishAndRefresh(world, app, world.SignBundle(2));
            output.WriteLine(result.ToString());
            Assert.NotEqual(PinBundleRefreshOutcome.Applied, result.Outcome);
            await app.StopAsync();
        });
        output.WriteLine(error?.Message ?? "(started)");
        Dump(logs);
        Assert.True(error is null or not Xunit.Sdk.XunitException, error?.Message);
    }

    // ---- transport ----

    [Fact]
    public async Task Fetch_RedirectToPlainHttp_IsNotFollowed_NothingApplied()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        var plainHit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var plain = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        plain.Start();
        int plainPort = ((IPEndPoint)plain.LocalEndpoint).Port;
        var accept = plain.AcceptTcpClientAsync().ContinueWith(_ => plainHit.TrySetResult(), TaskScheduler.Default);
        world.Serve = c =>
        {
            c.Response.Redirect($"http://127.0.0.1:{plainPort}/pins.jws");
            return Task.CompletedTask;
        };
        var result = await World.RefreshAsync(app);
        output.WriteLine(result.ToString());
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.False(plainHit.Task.IsCompleted, "the client connected to the plain-http redirect target");
        Assert.True(await world.GenuineAcceptedAsync(app));
        await app.StopAsync();
    }

    /// <summary>
    /// FINDING (silent-failure, low): a fresh client (no bundle, no ETag, no If-None-Match sent) answered 304 reports
    /// Outcome Unchanged, "has nothing new (304)", with no version: nothing is logged as a failure, so a URL that
    /// answers 304 to everyone keeps a fleet on its embedded policy while the refresh looks healthy. A 304 to an
    /// unconditional request is a protocol error (RFC 9110 15.4.5) and should count as a failed fetch.
    /// </summary>
    [Fact]
    public async Task Fetch_304WithoutPriorETag_IsAFailedFetch()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        world.Serve = c =>
        {
            c.Response.StatusCode = 304;
            return Task.CompletedTask;
        };
        var result = await World.RefreshAsync(app);
        output.WriteLine(result.ToString());
        Assert.Null(world.IfNoneMatchSeen.Last());
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        await app.StopAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fetch_BodyOverLimit_IsTooLarge_AndReadingStops(bool withContentLength)
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        long written = 0;
        world.Serve = async c =>
        {
            var chunk = Encoding.ASCII.GetBytes(new string('A', 64 * 1024));
            if (withContentLength)
            {
                c.Response.ContentLength = 64L * 1024 * 1024;
            }

            try
            {
                for (int i = 0; i < 1024; i++)
                {
                    await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
                    Interlocked.Add(ref written, chunk.Length);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        };
        var result = await World.RefreshAsync(app);
        output.WriteLine($"{result} after the server wrote {Interlocked.Read(ref written)} bytes");
        Assert.Equal(PinBundleRefreshOutcome.Refused, result.Outcome);
        Assert.Equal(PinBundleRefusal.TooLarge, result.Refusal);
        Assert.True(Interlocked.Read(ref written) < 16L * 1024 * 1024, "the client kept reading far past the limit");
        await app.StopAsync();
    }

    [Fact]
    public async Task Fetch_ServerClosesMidBody_Fails_NothingApplied()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        var bundle = world.SignBundle(9);
        world.Serve = async c =>
        {
            c.Response.ContentLength = bundle.Length;
            await c.Response.WriteAsync(bundle[..(bundle.Length / 2)]);
            await c.Response.Body.FlushAsync();
            c.Abort();
        };
        var result = await World.RefreshAsync(app);
        output.WriteLine(result.ToString());
        Assert.Equal(PinBundleRefreshOutcome.Failed, result.Outcome);
        Assert.True(await world.GenuineAcceptedAsync(app));
        await app.StopAsync();
    }

    /// <summary>
    /// FINDING (silent-failure): bundles.md promises "a total timeout (RequestTimeout, 30 s)" and "slow ... answers are cut
    /// off". A server that sends the headers and 10 bytes of a bundle, then nothing, holds RefreshBundleAsync far past
    /// RequestTimeout (here 2 s; it did not end within 90 s in the first run, nor at the 30 s default). Then, whether a
    /// second refresh still works is checked: a stuck fetch must not stop the client from ever updating again.
    /// </summary>
    [Fact]
    public async Task Fetch_SlowDrip_EndsAtRequestTimeout_AndLaterRefreshesStillWork()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs, o => o.Bundles.RequestTimeout = TimeSpan.FromSeconds(2));
        await World.StartAndSettleAsync(app, logs);
        var bundle = world.SignBundle(9);
        var dripping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new CancellationTokenSource();
        world.Serve = async c =>
        {
            c.Response.ContentLength = bundle.Length;
            await c.Response.WriteAsync(bundle[..10]);
            await c.Response.Body.FlushAsync();
            dripping.TrySetResult();
            try
            {
                using var both = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, release.Token);
                await Task.Delay(Timeout.Infinite, both.Token);
            }
            catch (OperationCanceledException)
            {
            }
        };
        var started = System.Diagnostics.Stopwatch.StartNew();
        var stuck = World.RefreshAsync(app);
        await dripping.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var ended = await Task.WhenAny(stuck, Task.Delay(TimeSpan.FromSeconds(12))) == stuck;
        output.WriteLine(ended ? $"{await stuck} after {started.Elapsed}" : $"still running after {started.Elapsed} (RequestTimeout 2 s)");

        world.Publish(world.SignBundle(10));
        var next = World.RefreshAsync(app);
        var nextEnded = await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(12))) == next;
        output.WriteLine(nextEnded ? $"next refresh: {await next}" : "the next refresh is blocked behind the stuck one");
        release.Cancel();
        Dump(logs);
        Assert.True(ended, "the fetch outlived RequestTimeout");
        Assert.Equal(PinBundleRefreshOutcome.Failed, (await stuck).Outcome);
        Assert.True(nextEnded, "a later refresh was blocked by the stuck fetch");
        await app.StopAsync();
    }

    [Fact]
    public async Task Fetch_OtherContentType_Probe()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        world.Publish(world.SignBundle(2), "text/html");
        output.WriteLine("text/html: " + await World.RefreshAsync(app));
        await app.StopAsync();
    }

    [Fact]
    public async Task Fetch_BundleWithTrailingNewline_AsAFileServedWithEchoWouldBe_IsApplied()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        var result = await PublishAndRefresh(world, app, world.SignBundle(2) + "\n");
        output.WriteLine(result.ToString());
        Assert.Equal(PinBundleRefreshOutcome.Applied, result.Outcome);
        await app.StopAsync();
    }

    /// <summary>Two fetches in flight; the older version's answer arrives last. The newer must stay, in force and on disk.</summary>
    [Fact]
    public async Task ConcurrentRefresh_OlderAnswerArrivingLast_IsRefused_NewerStays()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        var v2 = world.SignBundle(2, pins: world.GoodPins);
        var v3 = world.SignBundle(3);
        var releaseOld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var oldArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int n = 0;
        world.Serve = async c =>
        {
            if (Interlocked.Increment(ref n) == 1)
            {
                oldArrived.TrySetResult();
                await releaseOld.Task;
                await c.Response.WriteAsync(v2);
            }
            else
            {
                await c.Response.WriteAsync(v3);
            }
        };
        var first = World.RefreshAsync(app);
        await oldArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = World.RefreshAsync(app);
        var secondDone = await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(5)));
        releaseOld.TrySetResult();
        var results = await Task.WhenAll(first, second);
        output.WriteLine(string.Join(" | ", results.Select(r => r.ToString())));
        output.WriteLine(secondDone == second ? "refreshes ran concurrently" : "the second refresh waited for the first (serialized)");
        Assert.Equal(world.OtherPins.Order(), World.PinsInForce(app).Select(p => p.ToString()).Order());
        Assert.Contains("3", File.ReadAllText(Path.Combine(world.StateDirectory, StateFileName)), StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public async Task ConcurrentRefresh_TenAtOnce_OneApplied_NoError()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        world.Publish(world.SignBundle(4));
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => World.RefreshAsync(app))));
        output.WriteLine(string.Join("\n", results.Select(r => r.ToString())));
        Assert.Equal(1, results.Count(r => r.Outcome == PinBundleRefreshOutcome.Applied));
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { PinBundleRefreshOutcome.Applied, PinBundleRefreshOutcome.Unchanged }));
        await app.StopAsync();
    }

    // ---- expiry ----

    private static async Task WaitForExpiry(CapturedLogs logs, DateTimeOffset expires)
    {
        var expired = logs.WaitFor(e => e.EventId == 13);
        var due = expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        await Task.WhenAny(expired, Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero));
    }

    /// <summary>
    /// FailClosed, then the app restarts while the bundle URL is withheld (the attacker's move in bundles.md). The bundle
    /// in the state file has expired. The app must keep refusing the hosts the bundle pinned ("FailClosed refuses every
    /// host the bundle pinned until a newer bundle arrives"), not come back on the embedded policy.
    /// </summary>
    [Fact]
    public async Task FailClosed_BundleExpired_StaysClosedAfterRestart()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        var expires = DateTimeOffset.UtcNow.AddSeconds(3);
        using (var app = world.BuildApp(logs, o => o.Bundles.OnExpiry = PinBundleExpiry.FailClosed))
        {
            await World.StartAndSettleAsync(app, logs);
            Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, app, world.SignBundle(2, pins: world.GoodPins, expires: expires))).Outcome);
            Assert.True(await world.GenuineAcceptedAsync(app));
            await WaitForExpiry(logs, expires);
            Assert.False(await world.GenuineAcceptedAsync(app), "the expired bundle's host is still reachable under FailClosed");
            var health = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            output.WriteLine($"{health.Entries["pinset"].Status}: {health.Entries["pinset"].Description}");
            Assert.Equal(HealthStatus.Unhealthy, health.Entries["pinset"].Status);
            await app.StopAsync();
        }

        world.Serve = c =>
        {
            c.Response.StatusCode = 404;
            return Task.CompletedTask;
        };
        var logs2 = new CapturedLogs();
        using var restarted = world.BuildApp(logs2, o => o.Bundles.OnExpiry = PinBundleExpiry.FailClosed);
        await World.StartAndSettleAsync(restarted, logs2);
        Dump(logs2);
        Assert.False(await world.GenuineAcceptedAsync(restarted), "after a restart, FailClosed fell back to the embedded policy");
        await restarted.StopAsync();
    }

    [Fact]
    public async Task FallBack_BundleExpired_EmbeddedPolicyBackInForce()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        var expires = DateTimeOffset.UtcNow.AddSeconds(3);
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, app, world.SignBundle(2, expires: expires))).Outcome);
        Assert.False(await world.GenuineAcceptedAsync(app));
        await WaitForExpiry(logs, expires);
        Assert.True(await world.GenuineAcceptedAsync(app));
        Assert.Contains(logs.Entries, e => e.EventId == 13);
        await app.StopAsync();
    }

    [Fact]
    public async Task ExpiredBundle_AfterANewerOne_IsRefusedNotApplied()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        var result = await PublishAndRefresh(world, app, world.SignBundle(8, issuedAt: DateTimeOffset.UtcNow.AddDays(-10), expires: DateTimeOffset.UtcNow.AddSeconds(-1)));
        Assert.Equal(PinBundleRefusal.Expired, result.Refusal);
        await app.StopAsync();
    }

    // ---- options ----

    private async Task<Exception?> StartError(World world, Action<PinningOptions> configure, Action<IServiceCollection>? services = null)
    {
        var logs = new CapturedLogs();
        var error = await Record.ExceptionAsync(async () =>
        {
            using var app = world.BuildApp(logs, configure, services);
            await app.StartAsync();
            await app.StopAsync();
        });
        output.WriteLine(error?.GetType().Name + ": " + error?.Message);
        return error;
    }

    [Fact]
    public async Task Options_ManyWrongSettings_StopStartUpListingEveryProblem()
    {
        await using var world = await World.StartAsync();
        var error = await StartError(world, o =>
        {
            o.Bundles.Url = new Uri("http://127.0.0.1/pins.jws");
            o.Bundles.TrustedKeys.Clear();
            o.Bundles.RefreshInterval = TimeSpan.Zero;
            o.Bundles.StateDirectory = null;
            o.Bundles.CustomTrustRoots = [];
        });
        Assert.NotNull(error);
        foreach (var word in new[] { "http", "StateDirectory", "TrustedKeys", "RefreshInterval", "CustomTrustRoots" })
        {
            Assert.Contains(word, error!.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("p384")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public async Task Options_TrustedKeyNotP256PublicPem_StopsStartUp(string kind)
    {
        await using var world = await World.StartAsync();
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        string pem = kind switch
        {
            "rsa" => rsa.ExportSubjectPublicKeyInfoPem(),
            "p384" => p384.ExportSubjectPublicKeyInfoPem(),
            "garbage" => "not a key",
            _ => string.Empty,
        };
        Assert.NotNull(await StartError(world, o => o.Bundles.TrustedKeys.Add(pem)));
    }

    /// <summary>
    /// FINDING (accepts-what-it-should-refuse): bundles.md, "Settings that are wrong stop the start-up: ... a key that is
    /// not a P-256 public key in PEM". The signing key itself (signer.key, PKCS#8) given as a trusted key is accepted:
    /// the app ships the private key and starts without a word.
    /// </summary>
    [Fact]
    public async Task Options_TrustedKeyIsThePrivateSigningKey_StopsStartUp()
    {
        await using var world = await World.StartAsync();
        Assert.NotNull(await StartError(world, o =>
        {
            o.Bundles.TrustedKeys.Clear();
            o.Bundles.TrustedKeys.Add(world.Signer.ExportPkcs8PrivateKeyPem());
        }));
    }

    [Fact]
    public async Task Options_DuplicateTrustedKey_Probe()
    {
        await using var world = await World.StartAsync();
        var error = await StartError(world, o => o.Bundles.TrustedKeys.Add(world.Signer.ExportSubjectPublicKeyInfoPem()));
        output.WriteLine(error is null ? "a duplicate key is accepted" : "refused");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(59)]
    [InlineData(-60)]
    public async Task Options_RefreshIntervalUnderAMinute_StopsStartUp(int seconds)
    {
        await using var world = await World.StartAsync();
        Assert.NotNull(await StartError(world, o => o.Bundles.RefreshInterval = TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public async Task Options_HttpUrlWithoutDangerousFlag_StopsStartUp()
    {
        await using var world = await World.StartAsync();
        var error = await StartError(world, o => o.Bundles.Url = new Uri($"http://127.0.0.1:{world.Server.Port}/pins.jws"));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/pins.jws")]
    [InlineData("file:///etc/passwd")]
    public async Task Options_NonHttpsSchemes_StopStartUp(string url)
    {
        await using var world = await World.StartAsync();
        Assert.NotNull(await StartError(world, o =>
        {
            o.Bundles.Url = new Uri(url);
            o.Bundles.DangerousAllowHttp = true;
        }));
    }

    [Fact]
    public async Task Options_NegativeClockSkew_StopsStartUp()
    {
        await using var world = await World.StartAsync();
        Assert.NotNull(await StartError(world, o => o.Bundles.ClockSkew = TimeSpan.FromMinutes(-10)));
    }

    [Fact]
    public async Task Options_HugeClockSkew_Probe()
    {
        await using var world = await World.StartAsync();
        var error = await StartError(world, o => o.Bundles.ClockSkew = TimeSpan.FromDays(3650));
        output.WriteLine(error is null ? "a ten-year clock skew is accepted: it disables the NotYetValid check" : "refused");
    }

    /// <summary>integration.md: "change options afterwards with services.Configure&lt;PinningOptions&gt;(...)". Bundles set that way must work.</summary>
    [Fact]
    public async Task Options_BundlesSetThroughConfigureAfterAddCertificatePinning_AreUsed()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddCertificatePinning(o =>
        {
            o.Configuration = world.Config(world.GoodPins);
            o.CustomTrustRoots = world.Pki.TrustBoth();
        });
        builder.Services.Configure<PinningOptions>(o =>
        {
            o.Bundles.Url = world.BundleUrl;
            o.Bundles.TrustedKeys.Add(world.Signer.ExportSubjectPublicKeyInfoPem());
            o.Bundles.StateDirectory = world.StateDirectory;
            o.Bundles.CustomTrustRoots = [world.Pki.Root.Certificate];
            o.Bundles.MaxRetryAttempts = 0;
        });
        builder.Services.AddHttpClient("exchange").UseCertificatePinning();
        builder.Services.AddLoopbackRoute(world.Pki.Host, world.Server.Port);
        using var app = builder.Build();
        await World.StartAndSettleAsync(app, logs);
        var result = await PublishAndRefresh(world, app, world.SignBundle(2));
        output.WriteLine(result.ToString());
        Assert.Equal(PinBundleRefreshOutcome.Applied, result.Outcome);
        Assert.False(await world.GenuineAcceptedAsync(app));
        await app.StopAsync();
    }

    /// <summary>A wrong setting made through Configure after AddCertificatePinning is still validated at start.</summary>
    [Fact]
    public async Task Options_HttpUrlSetThroughPostConfigure_StillStopsStartUp()
    {
        await using var world = await World.StartAsync();
        Assert.NotNull(await StartError(world, _ => { }, s => s.PostConfigure<PinningOptions>(o => o.Bundles.Url = new Uri($"http://127.0.0.1:{world.Server.Port}/pins.jws"))));
    }

    [Fact]
    public async Task Options_NoBundleUrl_RefreshSaysDisabled()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs, o => o.Bundles = new PinBundleOptions());
        await app.StartAsync();
        var result = await World.RefreshAsync(app);
        output.WriteLine(result.ToString());
        Assert.Equal(PinBundleRefreshOutcome.Disabled, result.Outcome);
        await app.StopAsync();
    }

    private sealed class CountingHandler(StrongBox<int> count) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath == "/pins.jws")
            {
                Interlocked.Increment(ref count.Value);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// ConfigureHttpClientDefaults(b => b.UseCertificatePinning()) with a policy that refuses unpinned hosts: the bundle
    /// fetch to an unpinned host must still work (the bundle client is not pinned by the app's defaults).
    /// </summary>
    [Fact]
    public async Task ConfigureHttpClientDefaults_UseCertificatePinningWithRequirePinnedHosts_BundleFetchStillWorks()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(
            logs,
            o => o.Configuration = new PinningConfiguration
            {
                RequirePinnedHosts = true,
                Policies = [new PinPolicyConfiguration { Hosts = [world.Pki.Host], Pins = [.. world.GoodPins] }],
            },
            s => s.ConfigureHttpClientDefaults(b => b.UseCertificatePinning()));
        await World.StartAndSettleAsync(app, logs);
        var result = await PublishAndRefresh(world, app, world.SignBundle(2, pins: world.GoodPins));
        output.WriteLine(result.ToString());
        Assert.Equal(PinBundleRefreshOutcome.Applied, result.Outcome);
        Assert.True(await world.GenuineAcceptedAsync(app));
        await app.StopAsync();
    }

    /// <summary>
    /// FINDING (doc-mismatch): bundles.md says the bundle fetch goes "through its own IHttpClientFactory client
    /// (Pinset.Bundles, never touched by your ConfigureHttpClientDefaults)". A DelegatingHandler added with
    /// ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(...)) runs on every bundle fetch (it saw 2: the start-up
    /// fetch and the refresh). Any app-wide handler (a logging handler that reads bodies, a caching or rewriting handler,
    /// a test double) sits between the client and the bundle URL.
    /// </summary>
    [Fact]
    public async Task ConfigureHttpClientDefaults_AppWideHandler_DoesNotTouchTheBundleClient()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        var count = new StrongBox<int>();
        using var app = world.BuildApp(logs, services: s => s.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new CountingHandler(count))));
        await World.StartAndSettleAsync(app, logs);
        var result = await PublishAndRefresh(world, app, world.SignBundle(2, pins: world.GoodPins));
        output.WriteLine(result.ToString());
        Assert.Equal(PinBundleRefreshOutcome.Applied, result.Outcome);
        Assert.Equal(0, count.Value);
        await app.StopAsync();
    }

    /// <summary>
    /// A signed bundle may pin other hosts only: the host the embedded policy pinned is then no longer pinned. bundles.md
    /// documents that the bundle's policy replaces the embedded one; this records it with a real interceptor.
    /// </summary>
    [Fact]
    public async Task Bundle_PinningOtherHostsOnly_UnpinsEmbeddedHost_Documented()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        var other = PinBundle.Sign(new PinningConfiguration { Policies = [new PinPolicyConfiguration { Hosts = ["other.example"], Pins = [.. world.GoodPins] }] }, 2, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), world.Signer);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, app, other)).Outcome);
        Assert.Empty(World.PinsInForce(app));
        await app.StopAsync();
    }

    [Fact]
    public async Task Bundle_SignedByNextTrustedKey_IsApplied_KeyRotation()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var next = Jws.NewKey();
        using var app = world.BuildApp(logs, o => o.Bundles.TrustedKeys.Add(next.ExportSubjectPublicKeyInfoPem()));
        await World.StartAndSettleAsync(app, logs);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, app, world.SignBundle(2))).Outcome);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, app, world.SignBundle(3, key: next))).Outcome);
        Assert.Equal(PinBundleRefusal.Rollback, (await PublishAndRefresh(world, app, world.SignBundle(2, key: next))).Refusal);
        await app.StopAsync();
    }

    [Fact]
    public async Task Bundle_LongMaxValue_ThenAnything_IsRollback_AsDocumented()
    {
        await using var world = await World.StartAsync();
        var logs = new CapturedLogs();
        using var app = world.BuildApp(logs);
        await World.StartAndSettleAsync(app, logs);
        Assert.Equal(PinBundleRefreshOutcome.Applied, (await PublishAndRefresh(world, app, world.SignBundle(long.MaxValue))).Outcome);
        Assert.Equal(PinBundleRefusal.Rollback, (await PublishAndRefresh(world, app, world.SignBundle(long.MaxValue - 1))).Refusal);
        await app.StopAsync();
    }
}

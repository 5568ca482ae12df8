using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pinset.TestSupport;

/// <summary>How a <see cref="ReportEndpoint"/> answers.</summary>
public enum ReportEndpointBehaviour
{
    Accept,
    Fail,
    Hang,

    /// <summary>400 Bad Request: the collector refuses the report itself, which no retry can change.</summary>
    Reject,
}

/// <summary>A real HTTP or HTTPS report collector on 127.0.0.1 (Kestrel): records what is posted, and answers 204, 500, 400, or nothing until released.</summary>
public sealed class ReportEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(string ContentType, string Body)> _reports = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReportEndpoint(WebApplication app) => _app = app;

    public ReportEndpointBehaviour Behaviour { get; set; }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<(string ContentType, string Body)> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    /// <summary>Starts the endpoint on plain http, or on https with <paramref name="chain"/> (the leaf first, then its intermediates).</summary>
    public static async Task<ReportEndpoint> StartAsync(ReportEndpointBehaviour behaviour = ReportEndpointBehaviour.Accept, X509Certificate2[]? chain = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (chain is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = chain[0];
                    https.ServerCertificateChain = [.. chain[1..]];
                });
            }
        }));
        var app = builder.Build();
        var endpoint = new ReportEndpoint(app) { Behaviour = behaviour };
        app.MapPost("/reports", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            endpoint.Record(context.Request.ContentType ?? string.Empty, await reader.ReadToEndAsync());
            switch (endpoint.Behaviour)
            {
                case ReportEndpointBehaviour.Fail:
                    return Results.StatusCode(500);
                case ReportEndpointBehaviour.Reject:
                    return Results.BadRequest();
                case ReportEndpointBehaviour.Hang:
                    await endpoint._release.Task.WaitAsync(context.RequestAborted);
                    return Results.NoContent();
                default:
                    return Results.NoContent();
            }
        });
        await app.StartAsync();
        endpoint.Url = new Uri(new Uri(app.Urls.First()), "/reports");
        return endpoint;
    }

    /// <summary>Completes when at least <paramref name="count"/> posts arrived; fails the test after 30 seconds.</summary>
    public Task WaitForReportsAsync(int count)
    {
        lock (_reports)
        {
            if (_reports.Count >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Lets hanging requests answer.</summary>
    public void Release() => _release.TrySetResult();

    private void Record(string contentType, string body)
    {
        lock (_reports)
        {
            _reports.Add((contentType, body));
            foreach (var waiter in _waiters.Where(w => w.Count <= _reports.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

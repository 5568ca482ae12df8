using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Pinset.Cli.Tests;

/// <summary>
/// A real <c>pinset tunnel</c> process listening on 127.0.0.1 at a port the system chose (<c>--listen 127.0.0.1:0</c>,
/// read back from its "Listening on" lines). Its log (standard error) is read line by line, so a test awaits the line an
/// event writes instead of waiting on time. Disposing kills it if it still runs.
/// </summary>
internal sealed partial class TunnelProcess : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _awaited = [];
    private readonly Task<string> _output;
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TunnelProcess(IEnumerable<string> arguments)
    {
        _process = PinsetProcess.Start(["tunnel", .. arguments]);
        _output = _process.StandardOutput.ReadToEndAsync();
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginErrorReadLine();
    }

    /// <summary>The ports the tunnel listens on, in the order of its routes.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    public int Port => Ports[0];

    /// <summary>The pinset process's id (<c>dotnet exec</c> runs the tool in the process it starts), for what /proc says of it.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts the tunnel and waits until it listens on <paramref name="routes"/> ports.</summary>
    public static async Task<TunnelProcess> StartAsync(IEnumerable<string> arguments, int routes = 1)
    {
        var tunnel = new TunnelProcess(arguments);
        try
        {
            await tunnel.WaitForCountAsync("Listening on", routes);
            List<int> ports;
            lock (tunnel._lines)
            {
                ports = [.. tunnel._lines.Select(l => ListeningPort().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
            }

            tunnel.Ports = ports;
            return tunnel;
        }
        catch
        {
            await tunnel.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes with the first line logged (before or after this call) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForAsync(string text) => WaitForAsync(l => l.Contains(text, StringComparison.Ordinal), text);

    /// <summary>Completes when <paramref name="count"/> lines containing <paramref name="text"/> have been logged.</summary>
    public Task<string> WaitForCountAsync(string text, int count)
    {
        int seen = 0;
        return WaitForAsync(l => l.Contains(text, StringComparison.Ordinal) && ++seen == count, $"{count} x {text}");
    }

    /// <summary>Completes with the first line that matches; fails with the whole log if none does within a minute or the process ends first.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, string what)
    {
        TaskCompletionSource<string> seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            foreach (var line in _lines)
            {
                if (match(line))
                {
                    return line;
                }
            }

            _awaited.Add((match, seen));
        }

        Task ended;
        try
        {
            ended = await Task.WhenAny(seen.Task, _errorClosed.Task).WaitAsync(Limit).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The tunnel did not log '{what}' within {Limit.TotalSeconds:0} seconds; its log:\n{Log}", ex);
        }

        return ended == seen.Task ? await seen.Task : throw new InvalidOperationException($"The tunnel ended before logging '{what}'; its log:\n{Log}");
    }

    /// <summary>Reads a client socket to its end (a reset, when the tunnel closed it with the client's bytes unread, counts as the end): the bytes read.</summary>
    public static async Task<long> ReadToEndAsync(Socket client, Stream? into = null)
    {
        var buffer = new byte[65536];
        long total = 0;
        try
        {
            while (await client.ReceiveAsync(buffer) is var read and > 0)
            {
                into?.Write(buffer, 0, read);
                total += read;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with the client's unread bytes still queued: the kernel resets rather than ends the stream.
        }

        return total;
    }

    /// <summary>
    /// A new client connection to the tunnel's first (or <paramref name="port"/>) port; with <paramref name="bufferSize"/>,
    /// its send and receive buffers are fixed at that size (SO_SNDBUF, SO_RCVBUF) instead of grown by the kernel.
    /// </summary>
    public async Task<Socket> ConnectAsync(int? port = null, int? bufferSize = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (bufferSize is { } size)
        {
            socket.SendBufferSize = size;
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port ?? Port));
        return socket;
    }

    /// <summary>Sends a signal as a shell's kill does (TERM, INT).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end; its exit code, standard output and log.</summary>
    public async Task<CliRunner.Run> ExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Limit);
        await _errorClosed.Task.WaitAsync(Limit);
        return new CliRunner.Run(_process.ExitCode, await _output, Log);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _errorClosed.TrySetResult();
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            foreach (var waiter in _awaited.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _awaited.Remove(waiter);
            }
        }
    }

    [GeneratedRegex(@"Listening on (?:127\.0\.0\.1|\[::1\]):(\d+)")]
    private static partial Regex ListeningPort();
}

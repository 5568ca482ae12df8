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
    private readonly LogLines _lines = new();
    private readonly Task<string> _output;

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
    public string Log => _lines.Text;

    /// <summary>Starts the tunnel and waits until it listens on <paramref name="routes"/> ports.</summary>
    public static async Task<TunnelProcess> StartAsync(IEnumerable<string> arguments, int routes = 1)
    {
        var tunnel = new TunnelProcess(arguments);
        try
        {
            await tunnel.WaitForCountAsync("Listening on", routes);
            tunnel.Ports = ListeningPorts(tunnel._lines);
            return tunnel;
        }
        catch
        {
            await tunnel.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes with the first line logged (before or after this call) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForAsync(string text) => _lines.WaitForAsync(text);

    /// <summary>Completes when <paramref name="count"/> lines containing <paramref name="text"/> have been logged.</summary>
    public Task<string> WaitForCountAsync(string text, int count) => _lines.WaitForCountAsync(text, count);

    /// <summary>Completes with the first line that matches; fails with the whole log if none does within a minute or the process ends first.</summary>
    public Task<string> WaitForAsync(Func<string, bool> match, string what) => _lines.WaitForAsync(match, what);

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
        await _lines.Closed.WaitAsync(Limit);
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

    /// <summary>The ports of the "Listening on" lines logged, in the order of the routes.</summary>
    internal static List<int> ListeningPorts(LogLines lines) =>
        [.. lines.Snapshot().Select(l => ListeningPort().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _lines.Close();
        }
        else
        {
            _lines.Add(line);
        }
    }

    [GeneratedRegex(@"Listening on (?:127\.0\.0\.1|\[::1\]):(\d+)")]
    private static partial Regex ListeningPort();
}

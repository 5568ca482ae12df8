using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Cli.Tests;

/// <summary>
/// <c>pinset tunnel</c> run in this process on a clock the test drives (a <see cref="FakeTimeProvider"/>), for what only
/// time can show: a policy expiring while the tunnel runs. Its log is read line by line as the real process's is
/// (<see cref="TunnelProcess"/>); disposing interrupts it as Ctrl-C would and waits for it to end.
/// </summary>
internal sealed class InProcessTunnel : IAsyncDisposable
{
    private readonly LogLines _lines = new();
    private readonly Interruption _interruption = new();
    private readonly Task<int> _run;

    private InProcessTunnel(FakeTimeProvider time, string[] arguments)
    {
        var console = new CliConsole(TextWriter.Null, new LineWriter(_lines), interactive: false)
        {
            Time = time,
            OpenStandardInput = () => new MemoryStream(),
            Environment = _ => null,
        };
        _run = Task.Run(async () =>
        {
            try
            {
                return await PinsetCli.RunAsync(["tunnel", .. arguments], console, _interruption);
            }
            finally
            {
                _lines.Close();
            }
        });
    }

    public int Port { get; private set; }

    public string Log => _lines.Text;

    public static async Task<InProcessTunnel> StartAsync(FakeTimeProvider time, params string[] arguments)
    {
        var tunnel = new InProcessTunnel(time, arguments);
        try
        {
            await tunnel._lines.WaitForAsync("Listening on");
            tunnel.Port = TunnelProcess.ListeningPorts(tunnel._lines)[0];
            return tunnel;
        }
        catch
        {
            await tunnel.DisposeAsync();
            throw;
        }
    }

    public Task<string> WaitForAsync(string text) => _lines.WaitForAsync(text);

    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        _interruption.Interrupt(Interruption.InterruptExitCode);
        await _run.WaitAsync(TimeSpan.FromSeconds(60));
        _interruption.Dispose();
    }

    /// <summary>A writer that hands each complete line to the log.</summary>
    private sealed class LineWriter(LogLines lines) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_line)
            {
                if (value == '\n')
                {
                    lines.Add(_line.ToString());
                    _line.Clear();
                }
                else if (value != '\r')
                {
                    _line.Append(value);
                }
            }
        }
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pinset.TestSupport;

/// <summary>
/// The real nginx (Debian's nginx-light) on 127.0.0.1, one TLS port per <see cref="NginxSite"/>, plus a plain-HTTP
/// marker port. Its access log goes to a syslog socket of ours, so a test awaits log lines instead of polling a file:
/// <see cref="FindRequestAsync"/> sends a marker request and, once the marker's line arrives, knows every earlier
/// request has been logged (one worker logs in order). That is how a test proves a refused client sent nothing.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Dictionary<string, int> _ports = [];
    private readonly UdpClient _syslog = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly List<NginxRequest> _log = [];
    private readonly Dictionary<string, TaskCompletionSource> _markers = [];
    private readonly Task _syslogLoop;
    private readonly int _markerPort;
    private ToolServerProcess? _process;

    private NginxServer()
    {
        _markerPort = Loopback.FreePort();
        _syslogLoop = ReadSyslogAsync();
    }

    /// <summary>The server's working directory (configuration, keys, logs); removed when the server stops.</summary>
    public string Directory => _dir.Path;

    /// <summary>The process the tool runs under (its watchdog; the tool is its child).</summary>
    public int ProcessId => _process?.ProcessId ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>
    /// Starts nginx for <paramref name="sites"/>. Ports are picked free just before nginx binds them, so another socket
    /// can take one in between; then nginx says so ("Address already in use") and it is started again on fresh ports,
    /// at most three times. Any other start failure fails at once.
    /// </summary>
    public static async Task<NginxServer> StartAsync(IEnumerable<NginxSite> sites)
    {
        var list = sites.ToList();
        for (int attempt = 1; ; attempt++)
        {
            var server = new NginxServer();
            try
            {
                server._process = await ToolServerProcess.StartAsync(
                    ExternalTool.Nginx,
                    ["-p", server._dir.Path, "-c", server.WriteConfiguration(list), "-e", "stderr"],
                    isReady: line => line.Contains("start worker process", StringComparison.Ordinal),
                    isFatal: line => line.Contains("[emerg]", StringComparison.Ordinal),
                    cleanupDirectory: server._dir.Path).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>The TLS port of the site named <paramref name="site"/>.</summary>
    public int Port(string site) => _ports.TryGetValue(site, out int port) ? port : throw new ArgumentException($"No nginx site is named '{site}'.", nameof(site));

    /// <summary>
    /// The logged request for <paramref name="path"/>, or null if none reached nginx. Sends a marker request first and
    /// waits for its log line, so a request sent before this call has been logged by the time it answers.
    /// </summary>
    public async Task<NginxRequest?> FindRequestAsync(string path)
    {
        var marker = "/marker/" + Guid.NewGuid().ToString("N");
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_log)
        {
            _markers[marker] = seen;
        }

        using (var client = new HttpClient())
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{_markerPort}{marker}")).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }

        await seen.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        lock (_log)
        {
            return _log.LastOrDefault(r => r.Path == path);
        }
    }

    /// <summary>Writes nginx.conf for the sites and returns its path.</summary>
    private string WriteConfiguration(IEnumerable<NginxSite> sites)
    {
        var config = new StringBuilder();
        string dir = _dir.Path;
        int syslogPort = ((IPEndPoint)_syslog.Client.LocalEndPoint!).Port;
        config.Append(CultureInfo.InvariantCulture, $$"""
            daemon off;
            worker_processes 1;
            error_log stderr notice;
            pid {{dir}}/nginx.pid;
            events { worker_connections 256; }
            http {
              client_body_temp_path {{dir}}/body; proxy_temp_path {{dir}}/proxy; fastcgi_temp_path {{dir}}/fastcgi;
              uwsgi_temp_path {{dir}}/uwsgi; scgi_temp_path {{dir}}/scgi;
              log_format pinset '$server_port $ssl_session_reused $request_uri';
              access_log syslog:server=127.0.0.1:{{syslogPort}},nohostname,tag=pinset pinset;
              ssl_session_cache shared:pinset:1m;
              server { listen 127.0.0.1:{{_markerPort}}; location / { return 200 "marker\n"; } }

            """);
        foreach (var site in sites)
        {
            // Two picks can return the same free port; nginx would then merge the blocks (and refuse a plain marker
            // port that is also a TLS port), so every port in one configuration is distinct.
            int port;
            do
            {
                port = Loopback.FreePort();
            }
            while (port == _markerPort || _ports.ContainsValue(port));

            _ports.Add(site.Name, port);
            var certificates = _dir.File(site.Name + ".pem");
            var key = _dir.File(site.Name + ".key");
            File.WriteAllText(certificates, string.Concat(site.Chain.Prepend(site.Leaf).Select(c => c.ExportCertificatePem() + "\n")));
            File.WriteAllText(key, TestKey.PrivateKeyPem(site.Leaf));
            config.Append(CultureInfo.InvariantCulture, $$"""
                  server {
                    listen 127.0.0.1:{{port}} ssl;
                    ssl_certificate {{certificates}};
                    ssl_certificate_key {{key}};
                    ssl_protocols {{site.Protocols}};
                    ssl_session_tickets {{(site.SessionTickets ? "on" : "off")}};
                    location / { {{string.Concat(site.Headers.Select(h => $"add_header {h.Key} \"{h.Value}\" always; "))}}return 200 "hello\n"; }
                  }

                """);
        }

        config.Append("}\n");
        File.WriteAllText(_dir.File("nginx.conf"), config.ToString());
        return _dir.File("nginx.conf");
    }

    private async Task ReadSyslogAsync()
    {
        while (true)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _syslog.ReceiveAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }

            // "<190>Nov 23 22:18:31 pinset: 18443 . /path"
            var text = Encoding.UTF8.GetString(datagram.Buffer);
            int start = text.IndexOf("pinset: ", StringComparison.Ordinal);
            var fields = start < 0 ? [] : text[(start + 8)..].Trim().Split(' ', 3);
            if (fields.Length != 3 || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out int port))
            {
                continue;
            }

            var request = new NginxRequest(port, fields[1] == "r", fields[2]);
            TaskCompletionSource? marker;
            lock (_log)
            {
                _log.Add(request);
                _markers.Remove(request.Path, out marker);
            }

            marker?.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        _syslog.Dispose();
        await _syslogLoop.ConfigureAwait(false);
        _dir.Dispose();
    }
}

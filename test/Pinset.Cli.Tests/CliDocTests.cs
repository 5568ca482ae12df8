using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pinset.Cli.Tests;

/// <summary>
/// docs/cli.md's session is produced here: every <c>$ pinset ...</c> line of its console blocks is run as the real
/// pinset process, in a directory holding the files of DocSession (a private root, an intermediate, a leaf and its key, a
/// backup public key, two policies), against openssl s_server serving that leaf and intermediate; its standard output,
/// then its standard error, then <c>[exit N]</c> must be what the page shows. Only what a run cannot reproduce is put
/// back as the page writes it: the server's port (8443 on the page), the session directory ('.'), the pin of a key that
/// backup-key or bundle keygen generates at random, and the times a bundle is signed at (each produced time not written
/// in the session's files takes the page's time at the same place, once for the whole session, and the produced times
/// must lie as far apart as the page's do, within the minute a session takes). On a mismatch the whole page as produced is written to docs/cli.received.md.
/// </summary>
public sealed partial class CliDocTests
{
    private const string PagePort = "8443";

    [RequiresToolsFact("openssl")]
    public async Task Doc_EveryExampleIsWhatPinsetPrints()
    {
        using var session = new TempDirectory();
        foreach (var file in Directory.GetFiles(Repository.File("test", "Pinset.Cli.Tests", "DocSession")))
        {
            File.Copy(file, Path.Combine(session.Path, Path.GetFileName(file)));
        }

        using var leaf = X509Certificate2.CreateFromPemFile(session.File("leaf.pem"), session.File("leaf.key"));
        using var intermediate = X509CertificateLoader.LoadCertificateFromFile(session.File("int.pem"));
        await using var server = await OpenSslTlsServer.StartAsync(leaf, [intermediate]);

        var page = Repository.File("docs", "cli.md");
        var shown = (await File.ReadAllTextAsync(page)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var generated = new Generated(Directory.GetFiles(session.Path).SelectMany(f => Instant().Matches(File.ReadAllText(f))).Select(m => m.Value));
        var produced = await ProduceAsync(shown, session.Path, new Dictionary<string, int> { [PagePort] = server.Port }, generated);
        if (produced != shown)
        {
            var received = Repository.File("docs", "cli.received.md");
            await File.WriteAllTextAsync(received, produced);
            var first = shown.Split('\n').Zip(produced.Split('\n')).Select((pair, line) => (pair, line)).First(x => x.pair.First != x.pair.Second);
            Assert.Fail($"docs/cli.md differs from what pinset prints, first at line {first.line + 1}:\n  page:     {first.pair.First}\n  produced: {first.pair.Second}\nThe page as produced is in '{received}'; review it and copy it over docs/cli.md.");
        }
    }

    /// <summary>The page with each example's output replaced by what pinset printed for it; <paramref name="ports"/> maps the page's ports to the servers'.</summary>
    internal static async Task<string> ProduceAsync(string page, string session, IReadOnlyDictionary<string, int> ports, Generated generated)
    {
        var lines = page.Split('\n');
        var output = new StringBuilder();
        bool inConsole = false;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            output.Append(line);
            if (i < lines.Length - 1)
            {
                output.Append('\n');
            }

            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inConsole = !inConsole && line == "```console";
                continue;
            }

            if (!inConsole || !line.StartsWith("$ pinset ", StringComparison.Ordinal))
            {
                continue;
            }

            // The shown output runs to its [exit N] line; what pinset prints takes its place.
            int end = i + 1;
            while (end < lines.Length && !lines[end].StartsWith("[exit ", StringComparison.Ordinal) && !lines[end].StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            var shown = lines[(i + 1)..Math.Min(end + 1, lines.Length)];
            output.Append(await RunAsync(line["$ pinset ".Length..], session, ports, shown, generated));
            i = end < lines.Length && lines[end].StartsWith("[exit ", StringComparison.Ordinal) ? end : end - 1;
            if (i < lines.Length - 1)
            {
                output.Append('\n');
            }
        }

        return output.ToString();
    }

    private static async Task<string> RunAsync(string commandLine, string session, IReadOnlyDictionary<string, int> ports, string[] shown, Generated generated)
    {
        var words = ShellWords(commandLine);
        string? input = null;
        if (words.Count >= 2 && words[^2] == "<")
        {
            input = await File.ReadAllTextAsync(Path.Combine(session, words[^1]));
            words.RemoveRange(words.Count - 2, 2);
        }

        string? into = null;
        if (words.Count >= 2 && words[^2] == ">")
        {
            // '> FILE': standard output goes to the file in the session (a later command reads it); the page shows the rest.
            into = Path.Combine(session, words[^1]);
            words.RemoveRange(words.Count - 2, 2);
        }

        var arguments = words.Select(w => ports.Aggregate(w, (word, port) => word.Replace($":{port.Key}", $":{port.Value}", StringComparison.Ordinal))).ToList();
        using var pinset = PinsetProcess.Start(arguments, redirectInput: true, workingDirectory: session);
        if (input is not null)
        {
            await pinset.StandardInput.WriteAsync(input);
        }

        pinset.StandardInput.Close();
        var stdout = pinset.StandardOutput.ReadToEndAsync();
        var stderr = pinset.StandardError.ReadToEndAsync();
        await pinset.WaitForExitAsync();
        if (into is not null)
        {
            await File.WriteAllTextAsync(into, await stdout);
        }

        var text = ports.Aggregate((into is null ? await stdout : string.Empty) + await stderr, (output, port) => output
                .Replace($":{port.Value}", $":{port.Key}", StringComparison.Ordinal)
                .Replace($", port {port.Value}", $", port {port.Key}", StringComparison.Ordinal))
            .Replace(session + "/", "./", StringComparison.Ordinal);
        if (words is ["backup-key", ..] or ["bundle", "keygen", ..] && pinset.ExitCode == 0 && shown.Length > 0 && shown[0].StartsWith("sha256/", StringComparison.Ordinal))
        {
            // A new key each run: its pin cannot be known to the page.
            generated.Adopt(text.Split('\n')[0], shown[0]);
        }

        return $"{generated.PutBack(text, shown)}[exit {pinset.ExitCode}]";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial System.Text.RegularExpressions.Regex Instant();

    /// <summary>The values a run makes anew (key pins, signing times) and the page's values they stand for, for the whole session.</summary>
    internal sealed class Generated(IEnumerable<string> written)
    {
        private readonly HashSet<string> _written = [.. written];
        private readonly Dictionary<string, string> _pageValue = [];
        private (DateTime Produced, DateTime Page)? _anchor;

        public void Adopt(string produced, string page) => _pageValue.TryAdd(produced, page);

        /// <summary>The output with every generated value as the page writes it; a time seen for the first time takes the page's time at the same place.</summary>
        public string PutBack(string text, string[] shown)
        {
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length && i < shown.Length; i++)
            {
                var produced = Instant().Matches(lines[i]).Select(m => m.Value).ToList();
                var page = Instant().Matches(shown[i]).Select(m => m.Value).ToList();
                for (int k = 0; k < produced.Count && produced.Count == page.Count; k++)
                {
                    if (produced[k] != page[k] && !_written.Contains(produced[k]) && !_pageValue.ContainsKey(produced[k]) && Consistent(produced[k], page[k]))
                    {
                        _pageValue[produced[k]] = page[k];
                    }
                }
            }

            foreach (var (value, page) in _pageValue)
            {
                text = text.Replace(value, page, StringComparison.Ordinal);
            }

            return text;
        }

        /// <summary>True when the produced time is as far from the first one put back as the page's time is from the page's first, within a minute.</summary>
        private bool Consistent(string produced, string page)
        {
            var (p, s) = (DateTime.Parse(produced, System.Globalization.CultureInfo.InvariantCulture), DateTime.Parse(page, System.Globalization.CultureInfo.InvariantCulture));
            _anchor ??= (p, s);
            return ((p - _anchor.Value.Produced) - (s - _anchor.Value.Page)).Duration() <= TimeSpan.FromMinutes(1);
        }
    }

    /// <summary>The words of a command line as a POSIX shell splits them: spaces separate, quotes group, and are removed.</summary>
    private static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (var c in line)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}

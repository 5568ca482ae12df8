using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pinset.Cli.Tests;

/// <summary>
/// docs/cli.md's session is produced here: every <c>$ pinset ...</c> line of its console blocks is run as the real
/// pinset process, in a directory holding the files of DocSession (a private root, an intermediate, a leaf and its key, a
/// backup public key, two policies), against openssl s_server serving that leaf and intermediate; its standard output,
/// then its standard error, then <c>[exit N]</c> must be what the page shows. Only three things are put back as the page
/// writes them: the server's port (8443 on the page), the session directory ('.'), and the pin of the key that
/// backup-key generates at random. On a mismatch the whole page as produced is written to docs/cli.received.md.
/// </summary>
public sealed class CliDocTests
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
        var produced = await ProduceAsync(shown, session.Path, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (produced != shown)
        {
            var received = Repository.File("docs", "cli.received.md");
            await File.WriteAllTextAsync(received, produced);
            var first = shown.Split('\n').Zip(produced.Split('\n')).Select((pair, line) => (pair, line)).First(x => x.pair.First != x.pair.Second);
            Assert.Fail($"docs/cli.md differs from what pinset prints, first at line {first.line + 1}:\n  page:     {first.pair.First}\n  produced: {first.pair.Second}\nThe page as produced is in '{received}'; review it and copy it over docs/cli.md.");
        }
    }

    /// <summary>The page with each example's output replaced by what pinset printed for it.</summary>
    private static async Task<string> ProduceAsync(string page, string session, string port)
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
            output.Append(await RunAsync(line["$ pinset ".Length..], session, port, shown));
            i = end < lines.Length && lines[end].StartsWith("[exit ", StringComparison.Ordinal) ? end : end - 1;
            if (i < lines.Length - 1)
            {
                output.Append('\n');
            }
        }

        return output.ToString();
    }

    private static async Task<string> RunAsync(string commandLine, string session, string port, string[] shown)
    {
        var words = ShellWords(commandLine);
        string? input = null;
        if (words.Count >= 2 && words[^2] == "<")
        {
            input = await File.ReadAllTextAsync(Path.Combine(session, words[^1]));
            words.RemoveRange(words.Count - 2, 2);
        }

        var arguments = words.Select(w => w.Replace($":{PagePort}", $":{port}", StringComparison.Ordinal)).ToList();
        using var pinset = PinsetProcess.Start(arguments, redirectInput: true, workingDirectory: session);
        if (input is not null)
        {
            await pinset.StandardInput.WriteAsync(input);
        }

        pinset.StandardInput.Close();
        var stdout = pinset.StandardOutput.ReadToEndAsync();
        var stderr = pinset.StandardError.ReadToEndAsync();
        await pinset.WaitForExitAsync();
        var text = (await stdout + await stderr)
            .Replace($":{port}", $":{PagePort}", StringComparison.Ordinal)
            .Replace(session + "/", "./", StringComparison.Ordinal);
        if (words[0] == "backup-key" && pinset.ExitCode == 0 && shown.Length > 0 && shown[0].StartsWith("sha256/", StringComparison.Ordinal))
        {
            // A new key each run: its pin is the one thing the page cannot know.
            var generated = text.Split('\n')[0];
            text = text.Replace(generated, shown[0], StringComparison.Ordinal);
        }

        return $"{text}[exit {pinset.ExitCode}]";
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

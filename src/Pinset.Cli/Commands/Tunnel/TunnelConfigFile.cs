using System.Text.Json;
using Pinset.Tunnel;

namespace Pinset.Cli;

/// <summary>
/// The config-file form of <c>pinset tunnel --config FILE</c>: several listen/target pairs, each with its own policy,
/// trust, TLS name and addresses. Every entry is checked and every error is reported at once, each naming its entry;
/// paths are relative to the file's directory.
/// <code>
/// { "tunnels": [ { "name": "fix-prod", "listen": "127.0.0.1:9001", "to": "fix.broker.example:9443", "policy": "pins.json",
///                  "caFile": "broker-root.pem", "sni": "fix.broker.example", "resolve": ["fix.broker.example:9443:10.1.2.3"] } ] }
/// </code>
/// </summary>
internal static class TunnelConfigFile
{
    public const string Tunnels = "tunnels";

    private static readonly string[] Keys = ["name", "listen", "to", "policy", "caFile", "sni", "resolve"];

    public static async Task<List<PinnedTunnelRoute>> ReadAsync(string path, ConnectionSettings shared, bool allowRemote, CliConsole console, CancellationToken cancel)
    {
        var text = await console.Files.ReadTextAsync(path, "a JSON tunnel configuration", cancel).ConfigureAwait(false);
        string name = InputFile.Display(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.BadInput, $"'{name}' is not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var errors = new List<string>();
            var routes = new List<PinnedTunnelRoute>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(Tunnels, out var tunnels) || tunnels.ValueKind != JsonValueKind.Array || tunnels.GetArrayLength() == 0)
            {
                throw new CliException(ExitCodes.BadInput, $"'{name}' has no tunnels: it must be an object whose '{Tunnels}' is an array of tunnels, such as {{\"{Tunnels}\": [{{\"listen\": \"127.0.0.1:9001\", \"to\": \"fix.broker.example:9443\", \"policy\": \"pins.json\"}}]}}.");
            }

            errors.AddRange(root.EnumerateObject().Where(p => p.Name != Tunnels).Select(p => $"'{p.Name}' is not a setting of the file; it has only '{Tunnels}'."));
            string directory = path == InputFile.StandardInput ? string.Empty : Path.GetDirectoryName(path) ?? string.Empty;
            int index = 0;
            foreach (var entry in tunnels.EnumerateArray())
            {
                var route = await ReadEntryAsync(entry, $"{Tunnels}[{index++}]", directory, shared, allowRemote, console, errors, cancel).ConfigureAwait(false);
                if (route is not null)
                {
                    routes.Add(route);
                }
            }

            errors.AddRange(PinnedTunnelOptions.Clashes(routes));

            return errors.Count == 0
                ? routes
                : throw new CliException(ExitCodes.BadInput, $"'{name}' has {errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}:\n  {string.Join("\n  ", errors)}");
        }
    }

    private static async Task<PinnedTunnelRoute?> ReadEntryAsync(JsonElement entry, string where, string directory, ConnectionSettings shared, bool allowRemote, CliConsole console, List<string> errors, CancellationToken cancel)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where} is {entry.ValueKind.ToString().ToLowerInvariant()}; a tunnel is an object with 'listen', 'to' and 'policy'.");
            return null;
        }

        int before = errors.Count;
        string? String(string key, bool required)
        {
            if (!entry.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    errors.Add($"{where}: '{key}' is missing.");
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                errors.Add($"{where}: '{key}' is {value.ValueKind.ToString().ToLowerInvariant()} '{value.GetRawText()}'; it must be a string.");
                return null;
            }

            return value.GetString();
        }

        var label = String("name", required: false);
        if (label is not null)
        {
            where = $"{where} ('{label}')";
        }

        errors.AddRange(entry.EnumerateObject().Where(p => !Keys.Contains(p.Name)).Select(p => $"{where}: '{p.Name}' is not a tunnel setting; they are {string.Join(", ", Keys.Select(k => $"'{k}'"))}."));
        var listenText = String("listen", required: true);
        var toText = String("to", required: true);
        var policy = String("policy", required: true);
        var caFile = String("caFile", required: false);
        var sni = String("sni", required: false);
        var listen = listenText is null ? null : ListenAddress.TryParse(listenText, "'listen'", allowRemote, out var listenError) ?? Fail<System.Net.IPEndPoint>(listenError);
        var target = toText is null ? null : TunnelCommand.TryTarget(toText, "'to'", out var toError) ?? Fail<ServerTarget>(toError);

        var resolves = new List<ResolveEntry>();
        if (entry.TryGetProperty("resolve", out var resolveList))
        {
            if (resolveList.ValueKind != JsonValueKind.Array || resolveList.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            {
                errors.Add($"{where}: 'resolve' must be an array of strings, such as [\"fix.broker.example:9443:10.1.2.3\"].");
            }
            else
            {
                foreach (var text in resolveList.EnumerateArray().Select(r => r.GetString()!))
                {
                    try
                    {
                        resolves.Add(ResolveEntry.Parse(text));
                    }
                    catch (CliException ex)
                    {
                        errors.Add($"{where}: {ex.Message}");
                    }
                }
            }
        }

        System.Security.Cryptography.X509Certificates.X509Certificate2Collection? roots = null;
        if (caFile is not null)
        {
            try
            {
                roots = await ConnectionOptions.ReadRootsAsync(Relative(directory, caFile), console, cancel).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                errors.Add($"{where}: 'caFile': {ex.Message}");
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        var settings = shared with { Roots = roots, Resolves = resolves, Sni = sni };
        return TunnelCommand.Route(label ?? where, listen!, target!, Relative(directory, policy!), settings);

        T? Fail<T>(string error)
            where T : class
        {
            errors.Add($"{where}: {error}");
            return null;
        }
    }

    private static string Relative(string directory, string path) => Path.IsPathRooted(path) ? path : Path.Combine(directory, path);
}

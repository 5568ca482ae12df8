using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pinset;

/// <summary>
/// A pin set signed offline by its publisher and verified here before anything of it is used: a JWS (RFC 7515) in
/// compact serialization, <c>alg</c> ES256, header <c>kid</c> the signing key's SPKI pin and <c>typ</c>
/// <c>pinset-bundle</c>; its payload <c>{"version", "issuedAt", "expires", "pinning"}</c>, where <c>pinning</c> is a
/// policy file's. Only <see cref="Verify"/> makes one. Anti-rollback (no lower version, no other content under a version
/// already seen) is the caller's memory: Pinset.Extensions keeps it in a state file.
/// </summary>
public sealed class PinBundle
{
    /// <summary>The longest bundle read, in characters: anything longer is refused before it is parsed.</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>The media type, the header's <c>typ</c>.</summary>
    public const string Type = "pinset-bundle";

    private const string Algorithm = "ES256";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly string[] HeaderMembers = ["alg", "typ", "kid"];
    private static readonly string[] PayloadMembers = ["version", "issuedAt", "expires", "pinning"];

    private PinBundle(string text, PinBundleContent content, PinningPolicy policy)
    {
        Text = text;
        Content = content;
        Policy = policy;
    }

    /// <summary>The clock skew allowed by default for a bundle's <c>issuedAt</c>: five minutes.</summary>
    public static TimeSpan DefaultClockSkew { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The bundle as it was verified (the compact JWS).</summary>
    public string Text { get; }

    /// <summary>What it says, now verified.</summary>
    public PinBundleContent Content { get; }

    /// <summary>The compiled policy of its <c>pinning</c>.</summary>
    public PinningPolicy Policy { get; }

    /// <summary>The publisher's version.</summary>
    public long Version => Content.Version;

    /// <summary>When it stops applying.</summary>
    public DateTimeOffset Expires => Content.Expires;

    /// <summary>True at and after <see cref="Expires"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= Content.Expires;

    /// <summary>
    /// Verifies a bundle: its shape, its header (ES256 only, no other algorithm, no keys of its own), the signature with
    /// the trusted key its <c>kid</c> names, then its payload (a policy that loads) and its times.
    /// </summary>
    /// <exception cref="PinBundleException">Refused, with the reason; nothing of it may be used.</exception>
    public static PinBundle Verify(string text, IEnumerable<PinBundleKey> trustedKeys, DateTimeOffset now, TimeSpan? clockSkew = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        var (header, payload, signature, signingInput) = Split(text);
        var (headerJson, keyId) = ReadHeader(header);
        var keys = trustedKeys.ToList();
        var key = keys.FirstOrDefault(k => k.Id == keyId)
            ?? throw new PinBundleException(PinBundleRefusal.UnknownKey, $"The bundle is signed by key '{keyId}', which is not trusted; the trusted keys are {(keys.Count == 0 ? "none" : string.Join(", ", keys.Select(k => $"'{k.Id}'")))}.");

        // The signature before anything of the payload is read: an unsigned payload is never parsed.
        if (!key.Verifies(signingInput, signature))
        {
            throw new PinBundleException(PinBundleRefusal.BadSignature, $"The bundle's signature does not verify with key '{keyId}': it was altered, or signed with another key.");
        }

        var content = ReadPayload(headerJson, payload, keyId);
        var policy = Compile(content);
        if (content.IssuedAt > now + (clockSkew ?? DefaultClockSkew))
        {
            throw new PinBundleException(PinBundleRefusal.NotYetValid, $"The bundle (version {content.Version}) was issued at {Instant(content.IssuedAt)}, later than now ({Instant(now)}) by more than the allowed clock skew.");
        }

        if (now >= content.Expires)
        {
            throw new PinBundleException(PinBundleRefusal.Expired, $"The bundle (version {content.Version}) expired at {Instant(content.Expires)}.");
        }

        return new PinBundle(text, content, policy);
    }

    /// <summary>Reads what a bundle says without verifying it, for review: see <see cref="PinBundleContent"/>.</summary>
    /// <exception cref="PinBundleException">It is not a bundle's shape.</exception>
    public static PinBundleContent Inspect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (header, payload, _, _) = Split(text);
        var (headerJson, keyId) = ReadHeader(header);
        return ReadPayload(headerJson, payload, keyId);
    }

    /// <summary>Signs <paramref name="configuration"/> as a bundle with <paramref name="signingKey"/> (ECDSA P-256).</summary>
    /// <exception cref="PinningConfigurationException">The configuration does not load as a policy.</exception>
    /// <exception cref="ArgumentException">The version is below 1, the bundle would expire before it is issued, or the key is not P-256.</exception>
    public static string Sign(PinningConfiguration configuration, long version, DateTimeOffset issuedAt, DateTimeOffset expires, ECDsa signingKey)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        if (expires <= issuedAt)
        {
            throw new ArgumentException($"The bundle would expire ({Instant(expires)}) before it is issued ({Instant(issuedAt)}).", nameof(expires));
        }

        PinBundleKey key;
        try
        {
            key = PinBundleKey.FromPublicKey(signingKey, "the signing key");
        }
        catch (PinsetFormatException ex)
        {
            throw new ArgumentException(ex.Message, nameof(signingKey), ex);
        }

        PinningPolicy.Create(configuration);
        var header = Json(w =>
        {
            w.WriteString("alg", Algorithm);
            w.WriteString("typ", Type);
            w.WriteString("kid", key.Id.ToString());
        });
        var payload = Json(w =>
        {
            w.WriteNumber("version", version);
            w.WriteString("issuedAt", Instant(issuedAt));
            w.WriteString("expires", Instant(expires));
            PinningConfigurationJsonWriter.WritePinning(w, configuration);
        });
        var signingInput = Base64Url.Encode(header) + "." + Base64Url.Encode(payload);
        var signature = signingKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.Encode(signature);
    }

    private static (byte[] Header, byte[] Payload, byte[] Signature, byte[] SigningInput) Split(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new PinBundleException(PinBundleRefusal.TooLarge, $"The bundle is {text.Length} characters long; the longest read is {MaxLength}.");
        }

        var compact = text.Trim();
        var parts = compact.Split('.');
        if (parts.Length != 3)
        {
            throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle is not a JWS in compact serialization: it has {parts.Length} part(s) separated by '.', where header.payload.signature has 3.");
        }

        string[] names = ["header", "payload", "signature"];
        var decoded = new byte[3][];
        for (int i = 0; i < 3; i++)
        {
            if (parts[i].Length == 0 || !Base64Url.TryDecode(parts[i], out decoded[i]))
            {
                throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's {names[i]} is not base64url (RFC 7515: A-Z, a-z, 0-9, '-', '_', no padding): '{Shorten(parts[i])}'.");
            }
        }

        return (decoded[0], decoded[1], decoded[2], Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
    }

    private static (string Json, SpkiPin KeyId) ReadHeader(byte[] header)
    {
        var (json, root) = Object(header, "header");
        var members = Members(root, "header", HeaderMembers);
        var algorithm = members.GetValueOrDefault("alg");
        if (algorithm is not { Kind: JsonKind.String } || algorithm.Value != Algorithm)
        {
            throw new PinBundleException(PinBundleRefusal.UnsupportedAlgorithm, $"The bundle's header names the algorithm {algorithm?.Raw ?? "(none)"}; pin bundles are signed with \"ES256\" only, and nothing else is accepted.");
        }

        if (members.GetValueOrDefault("typ") is not { Kind: JsonKind.String, Value: Type })
        {
            throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's header has the type {members.GetValueOrDefault("typ")?.Raw ?? "(none)"}; expected \"{Type}\".");
        }

        if (members.GetValueOrDefault("kid") is not { Kind: JsonKind.String, Value: { } kid } || !SpkiPin.TryParse(kid, out var keyId))
        {
            throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's header has the key id {members.GetValueOrDefault("kid")?.Raw ?? "(none)"}; expected the signing key's pin, \"sha256/...\".");
        }

        return (json, keyId);
    }

    private static PinBundleContent ReadPayload(string headerJson, byte[] payload, SpkiPin keyId)
    {
        var (json, root) = Object(payload, "payload");
        var members = Members(root, "payload", PayloadMembers);
        if (members.GetValueOrDefault("version") is not { Kind: JsonKind.Number } versionNode
            || !long.TryParse(versionNode.Raw, NumberStyles.None, CultureInfo.InvariantCulture, out long version) || version < 1)
        {
            throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's version is {members.GetValueOrDefault("version")?.Raw ?? "missing"}; expected a whole number from 1.");
        }

        var issuedAt = Time(members, "issuedAt");
        var expires = Time(members, "expires");
        if (expires <= issuedAt)
        {
            throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle (version {version}) expires at {Instant(expires)}, not after it was issued ({Instant(issuedAt)}).");
        }

        if (members.GetValueOrDefault("pinning") is not { Kind: JsonKind.Object })
        {
            throw new PinBundleException(PinBundleRefusal.InvalidPolicy, $"The bundle (version {version}) has no 'pinning' object; expected a policy file's 'pinning' section.");
        }

        var errors = new List<string>();
        var configuration = PinningConfigurationJson.ReadDocument(root, "the bundle's payload", errors);
        if (errors.Count > 0)
        {
            throw new PinBundleException(PinBundleRefusal.InvalidPolicy, $"The bundle (version {version}) carries a policy that does not load: {string.Join(" ", errors)}");
        }

        return new PinBundleContent(headerJson, json, keyId, version, issuedAt, expires, configuration, Convert.ToBase64String(SHA256.HashData(payload)));
    }

    private static PinningPolicy Compile(PinBundleContent content)
    {
        try
        {
            return PinningPolicy.Create(content.Configuration);
        }
        catch (PinningConfigurationException ex)
        {
            throw new PinBundleException(PinBundleRefusal.InvalidPolicy, $"The bundle (version {content.Version}) carries a policy that does not load: {string.Join(" ", ex.Errors)}", ex);
        }
    }

    private static (string Json, JsonNode Root) Object(byte[] utf8, string part)
    {
        string json;
        JsonNode root;
        try
        {
            json = StrictUtf8.GetString(utf8);
            root = JsonTree.Parse(json, $"the bundle's {part}", strict: true);
        }
        catch (DecoderFallbackException ex)
        {
            throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's {part} is not UTF-8: {ex.Message}", ex);
        }
        catch (PinningConfigurationException ex)
        {
            // The reader's sentence ("'the bundle's header' is not valid JSON: at line 1, column 12, ..."), not the
            // configuration's wrapper around it: this is no policy.
            throw new PinBundleException(PinBundleRefusal.Malformed, ex.Errors.Count > 0 ? ex.Errors[0] : ex.Message, ex);
        }

        return root.Kind == JsonKind.Object ? (json, root)
            : throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's {part} is {root.Raw[..Math.Min(root.Raw.Length, 40)]}; expected a JSON object.");
    }

    /// <summary>The object's members by name: each of <paramref name="allowed"/> at most once, and nothing else (no second reading of a field).</summary>
    private static Dictionary<string, JsonNode> Members(JsonNode root, string part, string[] allowed)
    {
        var members = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var (name, value) in root.Properties)
        {
            if (Array.IndexOf(allowed, name) < 0)
            {
                throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's {part} has the member '{Shorten(name)}'; a bundle's {part} has only {string.Join(", ", allowed)}.");
            }

            if (!members.TryAdd(name, value))
            {
                throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's {part} has the member '{name}' twice.");
            }
        }

        return members;
    }

    private static DateTimeOffset Time(Dictionary<string, JsonNode> members, string name) =>
        members.GetValueOrDefault(name) is { Kind: JsonKind.String, Value: { } text } && text.EndsWith('Z') && Iso8601.TryParse(text, out var instant) && text.Length > 10
            ? instant
            : throw new PinBundleException(PinBundleRefusal.Malformed, $"The bundle's '{name}' is {members.GetValueOrDefault(name)?.Raw ?? "missing"}; expected an RFC 3339 UTC time such as \"2027-01-31T12:00:00Z\".");

    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static byte[] Json(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            members(json);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

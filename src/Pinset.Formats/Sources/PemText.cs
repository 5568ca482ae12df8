using System.Security.Cryptography;
using System.Text;

namespace Pinset.Formats;

/// <summary>Splits PEM text into its blocks, refusing anything truncated or left over.</summary>
internal static class PemText
{
    public sealed record Block(string Label, byte[] Der);

    public static bool LooksLikePem(ReadOnlySpan<byte> content) => content.IndexOf("-----BEGIN "u8) >= 0;

    public static IReadOnlyList<Block> Decode(ReadOnlySpan<byte> content, string sourceName)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException ex)
        {
            throw new PinsetFormatException($"'{sourceName}' looks like PEM but is not valid UTF-8 text.", ex);
        }

        var blocks = new List<Block>();
        var rest = text.AsSpan();
        int consumed = 0;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            int next = consumed + fields.Location.End.Value;
            // Text between blocks is allowed (openssl writes "subject=..." lines before them), but not a broken block.
            ThrowIfBrokenBlock(text.AsSpan(consumed, fields.Location.Start.Value), sourceName);
            var label = rest[fields.Label].ToString();
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out int written) || written != der.Length)
            {
                throw new PinsetFormatException($"'{sourceName}' has a PEM block labelled '{label}' whose base64 does not decode.");
            }

            blocks.Add(new Block(label, der));
            consumed = next;
            rest = text.AsSpan(consumed);
        }

        ThrowIfBrokenBlock(rest, sourceName);
        if (blocks.Count == 0)
        {
            throw new PinsetFormatException($"'{sourceName}' has no complete PEM block; expected '-----BEGIN <label>-----', base64 lines and '-----END <label>-----'.");
        }

        return blocks;
    }

    private static void ThrowIfBrokenBlock(ReadOnlySpan<char> between, string sourceName)
    {
        int begin = between.IndexOf("-----BEGIN ", StringComparison.Ordinal);
        if (begin >= 0)
        {
            var line = between[begin..];
            int end = line.IndexOfAny('\r', '\n');
            throw new PinsetFormatException($"'{sourceName}' has a PEM block '{(end < 0 ? line : line[..end]).ToString()}' that is truncated or malformed (no matching END line, or bad base64).");
        }

        int endMarker = between.IndexOf("-----END ", StringComparison.Ordinal);
        if (endMarker >= 0)
        {
            throw new PinsetFormatException($"'{sourceName}' has a PEM END line without its BEGIN line.");
        }
    }
}

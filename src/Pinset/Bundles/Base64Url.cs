namespace Pinset;

/// <summary>base64url without padding (RFC 7515 section 2), strict: only its 64 characters, and no bits left over.</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1)
        {
            return false;
        }

        var standard = new char[text.Length + ((4 - (text.Length % 4)) % 4)];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            standard[i] = c switch
            {
                '-' => '+',
                '_' => '/',
                >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' => c,
                _ => '\0',
            };
            if (standard[i] == '\0')
            {
                return false;
            }
        }

        standard.AsSpan(text.Length).Fill('=');
        var decoded = new byte[standard.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(standard, decoded, out int written))
        {
            return false;
        }

        bytes = decoded[..written];

        // Canonical only: the same bytes encode back to the same text (no stray bits in the last character).
        return Encode(bytes).AsSpan().SequenceEqual(text);
    }
}

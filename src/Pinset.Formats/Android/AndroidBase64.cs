using System.Text;

namespace Pinset.Formats;

/// <summary>
/// Android's <c>android.util.Base64.decode(text, DEFAULT)</c> over the text's UTF-8 bytes: every byte outside the
/// alphabet and '=' is skipped, padding is optional but must be right when present, and a lone trailing character is refused.
/// </summary>
internal static class AndroidBase64
{
    public static bool TryDecode(string text, out byte[] decoded)
    {
        var output = new List<byte>();
        decoded = [];
        int state = 0, value = 0;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            int d = Sextet(b);
            if (d == Skip)
            {
                continue;
            }

            switch (state)
            {
                case 0 or 1 when d == EqualsSign:
                    return false;
                case 0 or 1:
                    value = (value << 6) | d;
                    state++;
                    break;
                case 2 when d == EqualsSign:
                    output.Add((byte)(value >> 4));
                    state = 4;
                    break;
                case 2:
                    value = (value << 6) | d;
                    state = 3;
                    break;
                case 3 when d == EqualsSign:
                    output.Add((byte)(value >> 10));
                    output.Add((byte)(value >> 2));
                    state = 5;
                    break;
                case 3:
                    value = (value << 6) | d;
                    output.Add((byte)(value >> 16));
                    output.Add((byte)(value >> 8));
                    output.Add((byte)value);
                    value = 0;
                    state = 0;
                    break;
                case 4 when d == EqualsSign:
                    state = 5;
                    break;
                default:
                    // A data character after the first '=' of two, or anything after the padding.
                    return false;
            }
        }

        switch (state)
        {
            case 1 or 4:
                return false;
            case 2:
                output.Add((byte)(value >> 4));
                break;
            case 3:
                output.Add((byte)(value >> 10));
                output.Add((byte)(value >> 2));
                break;
        }

        decoded = [.. output];
        return true;
    }

    private const int Skip = -1;
    private const int EqualsSign = -2;

    private static int Sextet(byte b) => b switch
    {
        >= (byte)'A' and <= (byte)'Z' => b - 'A',
        >= (byte)'a' and <= (byte)'z' => b - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => b - '0' + 52,
        (byte)'+' => 62,
        (byte)'/' => 63,
        (byte)'=' => EqualsSign,
        _ => Skip,
    };
}

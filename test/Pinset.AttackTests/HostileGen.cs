using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Pinset.AttackTests;

/// <summary>Generators of hostile input: random bytes and text, and valid seeds mutated the way a fuzzer starts.</summary>
internal static class HostileGen
{
    /// <summary>Characters that matter to the parsers: structure, separators, dots that IDNA maps to '.', a lone surrogate, NUL.</summary>
    private const string Alphabet = "abcxyzABC019-_.*/+=:;\"'{}[],<>& \t\r\n\\\u00fc\u00dc\u3002\uff0e\u0000\ud800\u200b\u0130";

    public static Gen<byte> Byte { get; } = Gen.Choose(0, 255).Select(i => (byte)i);

    public static Gen<byte[]> Bytes { get; } = Gen.ArrayOf(Byte);

    public static Gen<string> Text { get; } = Gen.ArrayOf(Gen.Elements(Alphabet.ToCharArray())).Select(c => new string(c));

    private static Gen<(int Kind, int At, int Value)> Edit { get; } =
        from kind in Gen.Choose(0, 5)
        from at in Gen.Choose(0, int.MaxValue - 1)
        from value in Gen.Choose(0, int.MaxValue - 1)
        select (kind, at, value);

    /// <summary>One of <paramref name="seeds"/> after 1 to 5 edits: bit flips, inserts, deletes, truncation, structural bytes, splices.</summary>
    public static Gen<byte[]> Mutated(params byte[][] seeds) =>
        from seed in Gen.Elements(seeds)
        from count in Gen.Choose(1, 5)
        from edits in Gen.ListOf(Edit, count)
        select Apply(seed, edits);

    public static Gen<string> MutatedText(params string[] seeds) =>
        Mutated([.. seeds.Select(Encoding.UTF8.GetBytes)]).Select(b => Encoding.UTF8.GetString(b));

    /// <summary>Half random, half mutated valid input.</summary>
    public static Arbitrary<string> TextFrom(params string[] seeds) => Gen.OneOf(Text, MutatedText(seeds)).ToArbitrary();

    public static Arbitrary<byte[]> BytesFrom(params byte[][] seeds) => Gen.OneOf(Bytes, Mutated(seeds)).ToArbitrary();

    private static byte[] Apply(byte[] seed, IEnumerable<(int Kind, int At, int Value)> edits)
    {
        var bytes = new List<byte>(seed);
        foreach (var (kind, rawAt, value) in edits)
        {
            if (bytes.Count == 0)
            {
                break;
            }

            int at = rawAt % bytes.Count;
            switch (kind)
            {
                case 0:
                    bytes[at] ^= (byte)(1 << (value % 8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)value);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    const string Structural = "{}[]\",:*.-/=0\n<>";
                    bytes[at] = (byte)Structural[value % Structural.Length];
                    break;
                default:
                    int from = value % bytes.Count;
                    bytes.InsertRange(at, bytes.GetRange(from, Math.Min(16, bytes.Count - from)));
                    break;
            }
        }

        return [.. bytes];
    }
}

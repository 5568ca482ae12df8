namespace Pinset;

/// <summary>
/// A bounded memo of SPKI digests for the handshake path. Hashing cannot be skipped the first time a key is seen;
/// after that, a key whose bytes are exactly equal to a remembered one (compared in full, never by a shortcut hash)
/// reuses its digest. 512 slots, each an immutable entry replaced atomically: a collision only costs a recomputation.
/// A hit allocates nothing; a miss copies the key once.
/// </summary>
internal static class SpkiDigestMemo
{
    private const int Slots = 512;
    private static readonly Entry?[] Entries = new Entry?[Slots];

    public static Sha256Digest Digest(ReadOnlySpan<byte> spki)
    {
        var hash = new HashCode();
        hash.AddBytes(spki);
        int slot = (int)((uint)hash.ToHashCode() % Slots);
        var entry = Volatile.Read(ref Entries[slot]);
        if (entry is not null && spki.SequenceEqual(entry.Spki))
        {
            return entry.Digest;
        }

        var digest = Sha256Digest.Hash(spki);
        Volatile.Write(ref Entries[slot], new Entry(spki.ToArray(), digest));
        return digest;
    }

    private sealed record Entry(byte[] Spki, Sha256Digest Digest);
}

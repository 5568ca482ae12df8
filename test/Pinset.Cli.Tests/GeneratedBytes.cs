using System.Buffers.Binary;
using System.Globalization;

namespace Pinset.Cli.Tests;

/// <summary>
/// A byte stream of any length that is never held in memory: each byte is a function of its offset, so a writer makes
/// the next chunk when it needs it and a reader checks each chunk as it arrives. Random-looking noise repeats with a
/// period of 65,521 bytes (a prime, so it lines up with no buffer or TLS record size), and each period starts with its
/// 8-byte index: a lost, repeated or reordered stretch anywhere is caught at its first byte.
/// </summary>
internal static class GeneratedBytes
{
    private const int Period = 65_521;

    private static readonly byte[] Noise = Make();

    /// <summary>Fills <paramref name="into"/> with the stream's bytes from <paramref name="offset"/> on.</summary>
    public static void Fill(long offset, Span<byte> into)
    {
        Span<byte> stamp = stackalloc byte[sizeof(long)];
        while (!into.IsEmpty)
        {
            long period = offset / Period;
            int within = (int)(offset % Period);
            int count = Math.Min(into.Length, Period - within);
            Noise.AsSpan(within, count).CopyTo(into);
            BinaryPrimitives.WriteInt64LittleEndian(stamp, period);
            for (int i = within; i < stamp.Length && i < within + count; i++)
            {
                into[i - within] = stamp[i];
            }

            offset += count;
            into = into[count..];
        }
    }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end, checking every byte against the stream's; the number of bytes read.
    /// Throws at the first byte that differs, naming its offset.
    /// </summary>
    public static async Task<long> ReadToEndAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        var expected = new byte[buffer.Length];
        long offset = 0;
        while (await stream.ReadAsync(buffer) is var read and > 0)
        {
            Fill(offset, expected.AsSpan(0, read));
            int same = buffer.AsSpan(0, read).CommonPrefixLength(expected.AsSpan(0, read));
            if (same < read)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Byte {offset + same} of the generated stream arrived as 0x{buffer[same]:x2}, not 0x{expected[same]:x2}: a byte was lost, repeated, reordered or changed on the way."));
            }

            offset += read;
        }

        return offset;
    }

    private static byte[] Make()
    {
        var noise = new byte[Period];
        new Random(Period).NextBytes(noise);
        return noise;
    }
}

/// <summary>
/// Writes <see cref="Total"/> bytes of <see cref="GeneratedBytes"/> to a stream, 64 KiB at a time, and tells when its
/// writes have stalled: a write that is still pending <see cref="StallWindow"/> after it was issued, while the peer
/// takes nothing. A test then knows how far the writer got against a reader that does not read.
/// </summary>
/// <remarks>
/// "Stalled" is the one observation here that takes time, as the absence of progress can only be seen over time. It
/// cannot make a sound back-pressure test fail: what the test asserts (the bytes written stay within the buffers on
/// the way) holds at every moment when back-pressure works, however early the stall is declared. It only decides when
/// the test stops trying. Against a tunnel that buffered without bound, every write completes at memory speed (the
/// first tens of megabytes take milliseconds), so no write stays pending for the window and the writer gets through
/// everything, which the test catches: a second is generous against that, and short enough for a quick test.
/// </remarks>
internal sealed class Flood(long total, TimeSpan? stallWindow = null)
{
    /// <summary>How long a write must stay pending for the writer to count as stalled: a second unless the test says.</summary>
    public TimeSpan StallWindow { get; } = stallWindow ?? TimeSpan.FromSeconds(1);

    private const int Chunk = 64 * 1024;

    private readonly TaskCompletionSource<long> _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _written;

    public long Total { get; } = total;

    /// <summary>The bytes whose writes have completed.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>
    /// Completes with <see cref="Written"/> at the first stall, or with <see cref="Total"/> if every byte was written
    /// without one; fails if a write fails first.
    /// </summary>
    public Task<long> Stalled => _stalled.Task;

    /// <summary>Writes every byte, going on after a stall once the peer reads again.</summary>
    public async Task WriteAsync(Stream stream)
    {
        var chunk = new byte[Chunk];
        try
        {
            while (Written < Total)
            {
                int count = (int)Math.Min(Chunk, Total - Written);
                GeneratedBytes.Fill(Written, chunk.AsSpan(0, count));
                var write = stream.WriteAsync(chunk.AsMemory(0, count)).AsTask();
                if (!write.IsCompleted && !_stalled.Task.IsCompleted)
                {
                    try
                    {
                        await write.WaitAsync(StallWindow);
                    }
                    catch (TimeoutException)
                    {
                        _stalled.TrySetResult(Written);
                        await write;
                    }
                }
                else
                {
                    await write;
                }

                Interlocked.Add(ref _written, count);
            }

            _stalled.TrySetResult(Total);
        }
        catch (Exception ex)
        {
            _stalled.TrySetException(ex);
            throw;
        }
    }
}

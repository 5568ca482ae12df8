using System.Net.Security;

namespace Pinset.Tunnel;

/// <summary>
/// Keeps a tunnel session's TLS close_notify from being sent while the other direction's thread is decrypting. On Linux,
/// SslStream's shutdown calls OpenSSL's <c>SSL_shutdown</c> twice (a two-way shutdown), and the second call reads
/// records from the same input buffer the reading thread decrypts from: run at that moment, it swallowed the server's
/// records, and the client lost the rest of the answers (a server echoing a byte at a time lost about 1 session in 10).
/// This stream is the one SslStream reads from. The reading thread holds the gate for the whole of each read except
/// while it waits on the socket, so the close_notify, sent holding the gate, goes out either while the reader waits for
/// bytes or between two of its reads, never during a decryption.
/// </summary>
internal sealed class CloseNotifyGate(Stream inner) : Stream
{
    private readonly Lock _gate = new();

    /// <summary>Reads decrypted bytes from <paramref name="tls"/> (which reads from this stream), holding the gate but while it waits on the socket.</summary>
    public int ReadDecrypted(SslStream tls, byte[] buffer, int count)
    {
        _gate.Enter();
        try
        {
            return tls.Read(buffer, 0, count);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Runs <paramref name="shutdown"/> (the close_notify) while no read is decrypting.</summary>
    public void Shutdown(Action shutdown)
    {
        using (_gate.EnterScope())
        {
            shutdown();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (!_gate.IsHeldByCurrentThread)
        {
            return inner.Read(buffer);
        }

        // The reading thread waits for the socket without the gate: this is when the close_notify may go.
        _gate.Exit();
        try
        {
            return inner.Read(buffer);
        }
        finally
        {
            _gate.Enter();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}

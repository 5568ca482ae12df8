namespace Pinset;

/// <summary>
/// A pooled TLS connection under a policy that can change. Before each write (each new request on the connection) it
/// asks whether the policy in force still allows the chain the connection was validated with; if a change removed that
/// pin, the write fails with an <see cref="IOException"/> carrying the failure block, and the handler closes the
/// connection: it opens a new, freshly validated one, or the request fails. Reads are passed through. While the policy object
/// is unchanged the check is one reference comparison.
/// </summary>
internal sealed class RevalidatingStream(Stream inner, ValidatedConnection connection) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        Recheck();
        inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Recheck();
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Recheck();
        return inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Recheck();
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Recheck()
    {
        // The handler closes a connection whose write failed and fails its requests with this exception inside; every
        // later write fails the same way, since the connection's verdict is only updated when a policy allows it.
        if (connection.Recheck() is { } refused)
        {
            throw new IOException(refused.ToString(), new PinValidationException(refused));
        }
    }
}

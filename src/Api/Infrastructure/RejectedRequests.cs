using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// Problem+json for the requests Kestrel refuses before any middleware runs: a NUL byte in the
/// path (<c>%00</c>), a malformed request line, too long a URI or too many header bytes, a
/// request that timed out. Kestrel answers those itself, with an empty body and
/// <c>Connection: close</c>, and offers no hook to change it (aspnet/KestrelHttpServer#2892,
/// #2947). This connection middleware sees the bytes Kestrel writes: a response head with a
/// 4xx or 5xx status, <c>Content-Length: 0</c> and <c>Connection: close</c> and nothing after it
/// is one of those refusals (Cradle's own errors always carry a problem body), and it is sent
/// with a problem body instead. Every other write passes through untouched: one prefix compare.
/// </summary>
public static class RejectedRequests
{
    public static ConnectionDelegate AsProblems(ConnectionDelegate next) => connection =>
    {
        connection.Transport = new Duplex(connection.Transport.Input, new ProblemWriter(connection.Transport.Output));
        return next(connection);
    };

    sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes Kestrel's writes to the transport. Buffers handed out are at least
    /// <see cref="MinimumBuffer"/> bytes, so a refusal's head (under 200 bytes) is written and
    /// committed as one piece and can be recognised in one <see cref="Advance"/>.
    /// </summary>
    sealed class ProblemWriter(PipeWriter inner) : PipeWriter
    {
        const int MinimumBuffer = 512;
        Memory<byte> _lent;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _lent = inner.GetMemory(Math.Max(sizeHint, MinimumBuffer));
        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (bytes <= _lent.Length && Rewrite(_lent.Span[..bytes]) is { } problem)
            {
                var span = inner.GetSpan(problem.Length);
                problem.CopyTo(span);
                inner.Advance(problem.Length);
                return;
            }
            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken ct = default) => inner.FlushAsync(ct);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;
        public override long UnflushedBytes => inner.UnflushedBytes;
    }

    /// <summary>
    /// The response to send instead of <paramref name="written"/>, when it is a refusal's bare
    /// head; else null. Public for the tests of the recognition itself.
    /// </summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        // "HTTP/1.1 4xx " or "HTTP/1.1 5xx ", the head ending exactly where the write ends.
        if (written.Length < 16 || !written.StartsWith("HTTP/1.1 "u8) || written[9] is not ((byte)'4' or (byte)'5')
            || !written.EndsWith("\r\n\r\n"u8))
            return null;
        var head = Encoding.ASCII.GetString(written);
        var lines = head[..^4].Split("\r\n");
        if (lines.Skip(1).Any(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
            || !lines.Skip(1).Any(l => l.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase))
            || !lines.Skip(1).Any(l => l.Equals("Connection: close", StringComparison.OrdinalIgnoreCase))
            || !int.TryParse(lines[0].AsSpan(9, 3), out var status))
            return null;
        var reason = lines[0].Length > 13 ? lines[0][13..] : "Error";
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}",
            ["title"] = reason,
            ["status"] = status,
            ["detail"] = status switch
            {
                400 => "The HTTP server refused the request before Cradle read it: its request line or headers are malformed (for example a NUL byte, %00, in the path, or a character a URL may not hold).",
                408 => "The headers or body of the request did not arrive in time.",
                414 => "The URL is longer than the server accepts.",
                431 => "The headers of the request are larger than the server accepts.",
                _ => $"The HTTP server refused the request before Cradle read it ({reason}).",
            },
        });
        var sb = new StringBuilder(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1).Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
            sb.Append(line).Append("\r\n");
        sb.Append("Content-Type: application/problem+json\r\nContent-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(sb.ToString()), .. body];
    }
}

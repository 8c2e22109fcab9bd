using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// Problem+json for the requests Kestrel refuses before any middleware runs: a NUL byte in the
/// path (<c>%00</c>), a malformed request line or header, headers too large, an unknown HTTP
/// version, a request that timed out. Kestrel answers those itself, with an empty body and
/// <c>Connection: close</c>, and offers no hook to change it (aspnet/KestrelHttpServer#2892,
/// #2947). This connection middleware sees the bytes Kestrel writes. While no request is in
/// Cradle's pipeline (<see cref="UseRequestsInApp"/> marks those), a write that is exactly a
/// response head with a 4xx or 5xx status, <c>Content-Length: 0</c>, <c>Connection: close</c>
/// and no Content-Type is one of those refusals, and it is sent with a problem body instead.
/// Every other write passes through untouched. It sits outside TLS (it would see ciphertext, and
/// do nothing): Cradle serves plain HTTP behind a proxy that ends TLS. A refused HEAD gets the
/// body too; the connection closes after it, so no later answer is misread.
/// </summary>
public static class RejectedRequests
{
    const string ItemKey = "cradle.rejected-requests";

    public static ConnectionDelegate AsProblems(ConnectionDelegate next) => connection =>
    {
        var writer = new ProblemWriter(connection.Transport.Output);
        connection.Items[ItemKey] = writer;
        connection.Transport = new Duplex(connection.Transport.Input, writer);
        return next(connection);
    };

    /// <summary>
    /// Marks the connection as answering a request of Cradle's from its start to its end, so that
    /// nothing Cradle writes (a body, an error of its own) is taken for a refusal. First in the pipeline.
    /// </summary>
    public static IApplicationBuilder UseRequestsInApp(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var item) == true && item is ProblemWriter writer)
        {
            writer.InApp = true;
            context.Response.OnCompleted(() => { writer.InApp = false; return Task.CompletedTask; });
        }
        return next(context);
    });

    /// <summary>A writer that gives refusals written to <paramref name="inner"/> a problem body (for the tests of the writer itself).</summary>
    public static PipeWriter Wrap(PipeWriter inner) => new ProblemWriter(inner);

    sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes Kestrel's writes to the transport. Every buffer asked for is at least
    /// <see cref="MinimumBuffer"/> bytes, so a refusal's head (under 200 bytes) is committed in one
    /// piece, at the start of a buffer. Every one, not only those asked for with no size: Kestrel
    /// asks for a chunk's buffer with a size, writes into it, then asks again with none and expects
    /// the same buffer back. A larger minimum on the second call alone would hand it a new one and
    /// lose what it wrote (chunked answers came out garbled).
    /// </summary>
    sealed class ProblemWriter(PipeWriter inner) : PipeWriter
    {
        const int MinimumBuffer = 512;
        Memory<byte> _lent;   // what is left of the buffer last handed out
        bool _fresh;          // nothing of it committed yet
        public bool InApp;    // a request of Cradle's is being answered

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            _fresh = true;
            return _lent = inner.GetMemory(Math.Max(sizeHint, MinimumBuffer));
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            // Only the first commit of a fresh buffer can be a head; Kestrel goes on writing into
            // the rest of a buffer after a commit (a head, then its body).
            if (_fresh && !InApp && bytes <= _lent.Length && Rewrite(_lent.Span[..bytes]) is { } problem)
            {
                // The buffer is the transport's next bytes: the problem goes there instead.
                var span = inner.GetSpan(problem.Length);
                problem.CopyTo(span);
                inner.Advance(problem.Length);
                _lent = default;
                _fresh = false;
                return;
            }
            inner.Advance(bytes);
            _lent = bytes <= _lent.Length ? _lent[bytes..] : default;
            _fresh = false;
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
    /// head; else null.
    /// </summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        // "HTTP/1.1 4xx " or "HTTP/1.1 5xx ", the head ending exactly where the write ends, and
        // closing the connection: checked on the bytes before anything is made of them.
        if (written.Length < 16 || !written.StartsWith("HTTP/1.1 "u8) || written[9] is not ((byte)'4' or (byte)'5')
            || !written.EndsWith("\r\n\r\n"u8) || written.IndexOf("\r\nConnection: close\r\n"u8) < 0
            || written.IndexOf("\r\nContent-Length: 0\r\n"u8) < 0)
            return null;
        var lines = Encoding.ASCII.GetString(written)[..^4].Split("\r\n");
        if (lines.Skip(1).Any(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
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
        var head = new StringBuilder(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1).Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
            head.Append(line).Append("\r\n");
        head.Append("Content-Type: application/problem+json\r\nContent-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }
}

using Microsoft.AspNetCore.Http.Features;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// HEAD on every GET route (RFC 9110 §9.3.2), as CDNs, link checkers, uptime monitors and
/// `curl -I` expect: the request runs as the GET it stands for, so the status and headers (ETag,
/// Cache-Control, Content-Type, a 304 for If-None-Match) are the GET's; the body is counted for
/// Content-Length and dropped. Runs before routing, so that no route needs to name HEAD.
/// </summary>
public static class HeadRequests
{
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsHead(context.Request.Method)) { await next(); return; }
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var counter = new CountingStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(counter));
        context.Request.Method = HttpMethods.Get;
        try { await next(); }
        finally
        {
            // Kestrel must know the request was HEAD, or it would expect the body Content-Length announces.
            context.Request.Method = HttpMethods.Head;
            context.Features.Set(original);
        }
        if (!context.Response.HasStarted && context.Response.ContentLength is null && counter.Length > 0)
            context.Response.ContentLength = counter.Length;
    });

    /// <summary>A write-only stream that keeps nothing but how much was written.</summary>
    sealed class CountingStream : Stream
    {
        long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) { _length += count; return Task.CompletedTask; }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) { _length += buffer.Length; return ValueTask.CompletedTask; }
    }
}

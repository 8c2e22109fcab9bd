using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Cradle.Tests;

/// <summary>
/// Holds every JSON answer the HTTP tests receive to the OpenAPI document: the operation is found
/// by method and path template, and the body validated (JSON Schema 2020-12, JsonSchema.Net)
/// against the schema the document gives for its status and media type. An answer that does not
/// fit, or a status or media type the document does not declare, fails the request that got it.
/// </summary>
public sealed class OpenApiConformance : DelegatingHandler
{
    readonly Func<Task<JsonElement>> _document;
    JsonElement _doc;
    List<(string Method, Regex Path, JsonElement Operation, string Template)>? _operations;
    string? _defs;
    readonly ConcurrentDictionary<string, JsonSchema?> _schemas = new();
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>How many answers were validated, for a test that the check runs at all.</summary>
    public int Validated => _validated;
    int _validated;

    public OpenApiConformance(Func<Task<JsonElement>> document) : base(new HttpClientHandler()) => _document = document;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        var media = response.Content.Headers.ContentType?.MediaType;
        // A body still compressed (a test that asked for br or gzip itself) is checked by that test, decoded.
        if (media is not ("application/json" or "application/problem+json") || request.RequestUri is null || response.Content.Headers.ContentEncoding.Count > 0) return response;
        var path = request.RequestUri.AbsolutePath;
        if (path.StartsWith("/openapi/", StringComparison.Ordinal)) return response;
        await EnsureLoadedAsync();
        var op = _operations!.FirstOrDefault(o => o.Method == request.Method.Method.ToLowerInvariant() && o.Path.IsMatch(path));
        if (op.Template is null) return response; // not an API operation (the viewer's files)
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Kestrel and the status-code pages answer some errors before any endpoint: those the document cannot list.
        if (!op.Operation.GetProperty("responses").TryGetProperty(status, out var declared))
            throw new OpenApiMismatchException($"{request.Method} {path}: {status} is not a status the document declares for {op.Template}");
        var key = $"{op.Method} {op.Template} {status} {media}";
        if (!declared.TryGetProperty("content", out var content) || !content.TryGetProperty(media, out var mediaType))
            throw new OpenApiMismatchException($"{request.Method} {path}: the document declares no {media} for {status} of {op.Template}");
        if (!mediaType.TryGetProperty("schema", out var schemaJson)) return response;
        var schema = _schemas.GetOrAdd(key, _ => Build(schemaJson, key));
        // Read the body and put it back, so the test reads it as it came.
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var headers = response.Content.Headers.ToList();
        response.Content = new ByteArrayContent(bytes);
        foreach (var (name, values) in headers) response.Content.Headers.TryAddWithoutValidation(name, values);
        if (bytes.Length == 0 || schema is null) return response;
        using var body = JsonDocument.Parse(bytes);
        var result = schema.Evaluate(body.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Interlocked.Increment(ref _validated);
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.SchemaLocation})")).Take(5);
            throw new OpenApiMismatchException($"{request.Method} {path} {status}: the answer does not fit the document's schema: {string.Join("; ", errors)}");
        }
        return response;
    }

    async Task EnsureLoadedAsync()
    {
        if (_operations is not null) return;
        await _gate.WaitAsync();
        try
        {
            if (_operations is not null) return;
            _doc = await _document();
            var ops = new List<(string, Regex, JsonElement, string)>();
            foreach (var p in _doc.GetProperty("paths").EnumerateObject())
            {
                var pattern = "^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^}]+\}", "[^/]+") + "$";
                foreach (var m in p.Value.EnumerateObject()) ops.Add((m.Name, new Regex(pattern), m.Value, p.Name));
            }
            // Literal paths before templated ones (/api/teams/summary before /api/teams/{id}).
            _operations = ops.OrderBy(o => o.Item4.Count(c => c == '{')).ToList();
            var defs = JsonNode.Parse(_doc.GetProperty("components").GetProperty("schemas").GetRawText())!;
            _defs = Rewrite(defs.ToJsonString());
        }
        finally { _gate.Release(); }
    }

    static string Rewrite(string json) => json.Replace("#/components/schemas/", "#/$defs/");

    JsonSchema? Build(JsonElement schemaJson, string key)
    {
        var id = new Uri($"https://cradle.test/schemas/{_schemas.Count}");
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = id.ToString(),
            ["$defs"] = JsonNode.Parse(_defs!),
            ["allOf"] = new JsonArray(JsonNode.Parse(Rewrite(schemaJson.GetRawText()))),
        };
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, id);
    }
}

public sealed class OpenApiMismatchException(string message) : Exception(message);

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cradle.Api.Infrastructure;

/// <summary>Reads a JSON request body strictly, turning every failure into a 400 that says where.</summary>
public static partial class JsonBody
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?:System|Cradle|Microsoft)\.[\w.`\[\],]+")]
    private static partial System.Text.RegularExpressions.Regex TypeName();

    /// <summary>A serializer's message without .NET type names: "System.Double" says nothing to a client.</summary>
    static string Plain(string message) => TypeName().Replace(message, m => m.Value switch
    {
        var t when t.Contains("[]") || t.Contains("List") => "a list",
        var t when t.Contains("Double") || t.Contains("Int") || t.Contains("Decimal") || t.Contains("Single") => "a number",
        var t when t.Contains("Boolean") => "true or false",
        var t when t.Contains("DateOnly") => "a date (yyyy-mm-dd)",
        var t when t.Contains("String") => "text",
        _ => "an object of the documented shape",
    });

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 16,
    };

    /// <param name="maxBytes">A smaller limit than the server's for this body (contributions from anyone are a few fields).</param>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, long? maxBytes = null) where T : class
    {
        if (!(request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false))
            return (null, TypedResults.Problem(statusCode: 415, title: "Unsupported media type", detail: "Send the body as application/json."));
        if (maxBytes is { } max)
        {
            if (request.ContentLength > max)
                return (null, TypedResults.Problem(statusCode: 413, title: "Body too large", detail: $"This body may be at most {max:N0} bytes."));
            if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = max;
        }
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, request.HttpContext.RequestAborted);
            return value is null ? (null, ApiProblems.BadParameter("body", "is empty or null")) : (value, null);
        }
        catch (JsonException e)
        {
            // A body cut short is the body's fault, not the last field's.
            bool truncated = e.Message.Contains("end of the JSON payload") || e.Message.Contains("end of data");
            var where = !truncated && e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "body";
            var detail = e.Message.Contains("could not be mapped") ? "unknown field" : Plain(e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]);
            return (null, ApiProblems.BadParameter(string.IsNullOrEmpty(where) ? "body" : where, "not valid: " + detail));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return (null, TypedResults.Problem(statusCode: 413, title: "Body too large", detail: e.Message));
        }
        catch (BadHttpRequestException e)
        {
            // A body shorter than its Content-Length, a malformed chunk (400), or one that stalls (408): the client's fault, said plainly.
            return (null, e.StatusCode == 408
                ? TypedResults.Problem(statusCode: 408, title: "Request body too slow", detail: "The body did not arrive in time; send it again.")
                : TypedResults.Problem(statusCode: 400, title: "Malformed request body",
                    detail: $"The body could not be read: {e.Message.TrimEnd('.')}. Check Content-Length and Transfer-Encoding."));
        }
    }
}

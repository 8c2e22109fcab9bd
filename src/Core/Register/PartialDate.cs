using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Cradle.Core.Register;

/// <summary>
/// A date as precise as its source: a year ("2017"), a month ("2021-06") or a day
/// ("2021-12-08"). Register facts are often known only to the year; writing 2017-01-01 for
/// "2017" would invent a precision no source gives.
/// </summary>
[JsonConverter(typeof(PartialDateJsonConverter))]
public readonly partial record struct PartialDate(int Year, int? Month = null, int? Day = null) : IComparable<PartialDate>
{
    [GeneratedRegex(@"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")]
    private static partial Regex Pattern();

    /// <summary>The first day the date can mean (2017 → 1 Jan 2017).</summary>
    public DateOnly Earliest => new(Year, Month ?? 1, Day ?? 1);

    /// <summary>The last day the date can mean (2017 → 31 Dec 2017).</summary>
    public DateOnly Latest => Day is { } d ? new(Year, Month!.Value, d)
        : Month is { } m ? new DateOnly(Year, m, 1).AddMonths(1).AddDays(-1)
        : new(Year, 12, 31);

    /// <summary>The day <paramref name="years"/> (of 365.25 days) before <paramref name="asOf"/>: how old a source may be and still count.</summary>
    public static DateOnly YearsBefore(DateOnly asOf, double years) => asOf.AddDays(-(int)Math.Round(years * 365.25));

    public static bool TryParse(string? s, out PartialDate date)
    {
        date = default;
        if (s is null) return false;
        var m = Pattern().Match(s.Trim());
        if (!m.Success) return false;
        int y = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (y < 1900 || y > 2200) return false;
        if (!m.Groups[2].Success) { date = new(y); return true; }
        int mo = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (mo is < 1 or > 12) return false;
        if (!m.Groups[3].Success) { date = new(y, mo); return true; }
        int d = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        if (d < 1 || d > DateTime.DaysInMonth(y, mo)) return false;
        date = new(y, mo, d);
        return true;
    }

    public static PartialDate FromDate(DateOnly d) => new(d.Year, d.Month, d.Day);

    public static PartialDate Parse(string s) => TryParse(s, out var d) ? d : throw new FormatException($"'{s}' is not a date (yyyy, yyyy-mm or yyyy-mm-dd)");

    public override string ToString() => Day is { } d ? $"{Year:0000}-{Month:00}-{d:00}" : Month is { } m ? $"{Year:0000}-{m:00}" : $"{Year:0000}";

    public int CompareTo(PartialDate other) => Earliest.CompareTo(other.Earliest);
}

public sealed class PartialDateJsonConverter : JsonConverter<PartialDate>
{
    public override PartialDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var s = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return PartialDate.TryParse(s, out var d) ? d
            : throw new JsonException($"'{s}' is not a date: give yyyy, yyyy-mm or yyyy-mm-dd");
    }

    public override void Write(Utf8JsonWriter writer, PartialDate value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

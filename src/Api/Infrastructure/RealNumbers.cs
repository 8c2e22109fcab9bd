using System.Globalization;
using System.Text.Json;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// A figure that is a real number is written as one in GeoJSON and OGC features: 0.0, not 0. GDAL and QGIS type a field
/// from the values they see first, so a coverage of 0 on the first page made the field an integer and truncated 0.3756 to 0
/// in every later row. (The JSON API is left as it is: a converter there hides the numbers' type from the OpenAPI schema.)
/// </summary>
public static class RealNumbers
{
    /// <summary>A finite double, with a decimal point when it is whole; JSON has no NaN or infinity, so those are null.</summary>
    public static void Write(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value)) writer.WriteNullValue();
        else if (value == Math.Floor(value) && Math.Abs(value) < 1e15) writer.WriteRawValue(value.ToString("0.0", CultureInfo.InvariantCulture), skipInputValidation: true);
        else writer.WriteNumberValue(value);
    }
}

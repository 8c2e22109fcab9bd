using System.Globalization;
using Cradle.Geo.Coverage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cradle.Api.Infrastructure;

/// <summary>Parses and checks the query parameters shared by the model endpoints.</summary>
public static class ModelQuery
{
    public static readonly string[] Names = ["need_model", "gradient", "deprivation"];

    public static (ModelParameters? Parameters, ProblemHttpResult? Problem) Parse(IQueryCollection q) =>
        Parse(q["need_model"].FirstOrDefault(), q["gradient"].FirstOrDefault(), q["deprivation"].FirstOrDefault());

    public static (ModelParameters? Parameters, ProblemHttpResult? Problem) Parse(string? needModel, string? gradient, string? deprivation)
    {
        var p = new ModelParameters();
        switch (needModel)
        {
            case null or "flat": break;
            case "deprivation": p = p with { NeedModel = NeedModel.Deprivation }; break;
            default: return (null, ApiProblems.BadParameter("need_model", $"'{Clip(needModel)}' is not flat or deprivation"));
        }
        if (gradient is not null)
        {
            if (!double.TryParse(gradient, NumberStyles.Float, CultureInfo.InvariantCulture, out var g) || !double.IsFinite(g) || g < 0 || g > 0.9)
                return (null, ApiProblems.BadParameter("gradient", $"'{Clip(gradient)}' is not a number from 0 to 0.9"));
            if (p.NeedModel != NeedModel.Deprivation) return (null, ApiProblems.BadParameter("gradient", "applies only with need_model=deprivation"));
            // Two decimals are plenty, and keep the cache of model runs small.
            p = p with { Gradient = Math.Round(g, 2) };
        }
        if (deprivation is not null)
        {
            if (!ModelParameters.DeprivationVintages.Contains(deprivation))
                return (null, ApiProblems.BadParameter("deprivation", $"'{Clip(deprivation)}' is not iod2025 or imd2019"));
            p = p with { Deprivation = deprivation };
        }
        return (p, null);
    }

    public static (string? Level, ProblemHttpResult? Problem) Level(string? value, string fallback, params string[] allowed)
    {
        var level = value ?? fallback;
        return allowed.Contains(level) ? (level, null)
            : (null, ApiProblems.BadParameter("level", $"'{Clip(level)}' is not one of {string.Join(", ", allowed)}"));
    }

    public static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>A well-formed GSS code (E01…, E06…, E54…, E92000001): nine characters, a letter then eight digits.</summary>
    public static bool IsCode(string s) => s.Length == 9 && char.IsAsciiLetterUpper(s[0]) && s.Skip(1).All(char.IsAsciiDigit);
}

using System.Runtime.CompilerServices;
using Dapper;

namespace Cradle.Data.Store;

/// <summary>
/// Dapper's handling of <see cref="DateOnly"/> (the driver's type for SQL date), registered when
/// this assembly loads, so that every query of it may read and bind dates without a type's static
/// constructor having run first.
/// </summary>
static class DapperTypes
{
    // CA2255 warns off module initialisers in libraries; this one only registers a type handler,
    // which every query in the library may need whichever of its types runs first.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => SqlMapper.AddTypeHandler(new DateOnlyHandler());

    sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(System.Data.IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = System.Data.DbType.Date;
            parameter.Value = value;
        }

        public override DateOnly Parse(object value) => value is DateTime d ? DateOnly.FromDateTime(d) : (DateOnly)value;
    }
}

using Npgsql;

namespace Cradle.Geo.Register;

/// <summary>
/// The register's schema (cradle_register), changed only by numbered migrations
/// (Store/Migrations/NNNN-*.sql, journalled in cradle_register.schema_versions; see
/// <see cref="Store.SchemaMigrations"/>). Loads, imports and the server run them at start; writes
/// never touch the schema.
/// </summary>
public static class RegisterSchema
{
    public const string Journal = Store.SchemaMigrations.Journal;

    /// <summary>Runs the migrations not yet run. Two processes starting at once take turns.</summary>
    public static Task MigrateAsync(NpgsqlDataSource db, CancellationToken ct = default) => Store.SchemaMigrations.RegisterAsync(db, ct);
}

using Npgsql;

namespace Cradle.Api.Infrastructure;

/// <summary>The database that takes writes: the primary when reads go to a standby (CradleDatabase.OpenServing); else the one database.</summary>
public sealed record PrimaryDatabase(NpgsqlDataSource Source);

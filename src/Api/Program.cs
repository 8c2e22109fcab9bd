using Cradle.Api.Commands;

// `cradle load …` loads the data; `cradle serve` (the default) runs the API and viewer.
// A load reprojects and validates on every core (PLINQ) while the reading thread waits on it and
// writes the COPY: more threads than cores from the first second. With the pool's default minimum
// (one per core) it starved until the pool grew, about 1 s later, in one ingest of three (bimodal
// 0.75 s / 1.7 s on 2 cores).
if (args.FirstOrDefault() is "load" or "ingest" or "teams")
{
    System.Threading.ThreadPool.GetMinThreads(out var workers, out var io);
    System.Threading.ThreadPool.SetMinThreads(Math.Max(workers, 4 * Environment.ProcessorCount), io);
}
return args.FirstOrDefault() switch
{
    "load" => await LoadCommand.RunAsync(args[1..]),
    "serve" => await ServeCommand.RunAsync(args[1..]),
    "teams" => await TeamsCommand.RunAsync(args[1..]),
    "keys" => TeamsCommand.Keys(args[1..]),
    "ingest" => await IngestCommand.RunAsync(args[1..]),
    "openapi" => await ServeCommand.OpenApiAsync(args[1..]),
    null => await ServeCommand.RunAsync([]),
    "-h" or "--help" or "help" => Usage(0),
    var other => Usage(2, $"unknown command '{other}'"),
};

static int Usage(int code, string? error = null)
{
    if (error is not null) Console.Error.WriteLine($"cradle: {error}");
    Console.Error.WriteLine("""
        usage: cradle load [--data DIR] [--manifest FILE] [--only ID ...] [--if-changed] [--teams FILE]
               cradle serve [--urls URL]
               cradle teams import FILE [--force] | cradle teams export [FILE]
               cradle keys add NAME [--file FILE]
               cradle openapi [FILE]   (the OpenAPI document, without a database)
        The database comes from CRADLE_DB (a Npgsql connection string) or the project-local cluster on PGPORT (55432).
        """);
    return code;
}

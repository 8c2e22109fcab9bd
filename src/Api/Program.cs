using Cradle.Api.Commands;

// `cradle load …` loads the data; `cradle serve` (the default) runs the API and viewer; `cradle --help` lists the rest.
// A load reprojects and validates on every core (PLINQ) while the reading thread waits on it and
// writes the COPY: more threads than cores from the first second. With the pool's default minimum
// (one per core) it starved until the pool grew, about 1 s later, in one ingest of three (bimodal
// 0.75 s / 1.7 s on 2 cores).
if (args.FirstOrDefault() is "load" or "ingest" or "teams")
{
    System.Threading.ThreadPool.GetMinThreads(out var workers, out var io);
    System.Threading.ThreadPool.SetMinThreads(Math.Max(workers, 4 * Environment.ProcessorCount), io);
}
return await Cli.RunAsync(args);

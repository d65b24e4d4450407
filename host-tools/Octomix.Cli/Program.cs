using System.CommandLine;
using Octomix.Cli;

// The `octomix` command. Each subcommand lives in its own file and is owned by the feature it
// starts: server (host-tools/Octomix.Server), box (board/Simulated), console and demo
// (host-tools/Octomix.Console), bench (server and mixer benchmarks).
var root = new RootCommand("Octomix: play and record together from different places.");
root.Subcommands.Add(ServerCommand.Create());
root.Subcommands.Add(BoxCommand.Create());
root.Subcommands.Add(ConsoleCommand.Create());
root.Subcommands.Add(ConsoleCommand.CreateWeb());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
foreach (var hidden in InternalCommands.Create())
{
    root.Subcommands.Add(hidden);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

using System.CommandLine;
using Octomix.Cli;

// The `octomix` command. Each subcommand lives in its own file and is owned by the feature it
// starts: server (host-tools/Octomix.Server), box (board/Simulated), console and demo
// (host-tools/Octomix.Console), bench (server and mixer benchmarks).
var root = new RootCommand("Octomix: play and record together from different places.");
root.Subcommands.Add(ServerCommand.Create());
root.Subcommands.Add(BoxCommand.Create());
root.Subcommands.Add(ConsoleCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
foreach (var hidden in InternalCommands.Create())
{
    root.Subcommands.Add(hidden);
}

var parse = root.Parse(args);

// A flag that does not parse (`--tempo abc`, an unknown option, a missing value): one sentence
// per problem on stderr, exit 2, as docs/console.md promises; not the parser's type names.
if (parse.Action is System.CommandLine.Invocation.ParseErrorAction && parse.Errors.Count > 0)
{
    foreach (var line in CliText.DescribeParseErrors(parse))
    {
        Console.Error.WriteLine(line);
    }

    return 2;
}

return await parse.InvokeAsync().ConfigureAwait(false);

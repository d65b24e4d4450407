using System.CommandLine;
using System.Runtime.InteropServices;
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
root.Subcommands.Add(ListenCommand.Create());
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

// Signals: the first Ctrl+C (SIGINT) or SIGTERM cancels the command, which stops gracefully;
// a second forces the exit at once with 130 (128 + SIGINT). Handled here rather than by the
// parser's own handler, which throws on a second signal (an abort, exit 134).
using var stopping = new CancellationTokenSource();
int signals = 0;
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // never the runtime's default termination
    if (Interlocked.Increment(ref signals) == 1)
    {
        Console.Error.WriteLine($"octomix: {(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl+C")}: stopping (again to force)");
        stopping.Cancel();
        return;
    }

    Console.Error.WriteLine("octomix: forced exit");
    Console.Error.Flush();
    Environment.Exit(130);
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stopping.Token).ConfigureAwait(false);

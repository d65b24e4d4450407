using System.CommandLine;

namespace Octomix.Cli;

/// <summary>`octomix console`.</summary>
internal static class ConsoleCommand
{
    public static Command Create()
    {
        var command = new Command("console", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("octomix console: not built yet");
            return 2;
        });
        return command;
    }
}

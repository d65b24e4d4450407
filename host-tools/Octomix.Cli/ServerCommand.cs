using System.CommandLine;

namespace Octomix.Cli;

/// <summary>`octomix server`.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var command = new Command("server", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("octomix server: not built yet");
            return 2;
        });
        return command;
    }
}

using System.CommandLine;

namespace Octomix.Cli;

/// <summary>`octomix box`.</summary>
internal static class BoxCommand
{
    public static Command Create()
    {
        var command = new Command("box", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("octomix box: not built yet");
            return 2;
        });
        return command;
    }
}

using System.CommandLine;

namespace Octomix.Cli;

/// <summary>`octomix bench`.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("octomix bench: not built yet");
            return 2;
        });
        return command;
    }
}

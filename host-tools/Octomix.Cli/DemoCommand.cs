using System.CommandLine;

namespace Octomix.Cli;

/// <summary>`octomix demo`.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("octomix demo: not built yet");
            return 2;
        });
        return command;
    }
}

using System.CommandLine;

namespace Octomix.Cli;

/// <summary>
/// Hidden subcommands the tool starts as child processes of itself (load generators,
/// a console process for crash tests). Not part of the user-facing help.
/// </summary>
internal static class InternalCommands
{
    public static IEnumerable<Command> Create()
    {
        return [];
    }
}

namespace Octomix.Schematics.Tests;

/// <summary>Finds files of the repository from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Box(string name) => Path.Combine(Root, "schematics", "octomix-box", name);

    public static string PinMap => Path.Combine(Root, "board", "Esp32Reference", "PinMap.cs");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Octomix.Firmware.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (Octomix.Firmware.sln) not found above " + AppContext.BaseDirectory);
    }
}

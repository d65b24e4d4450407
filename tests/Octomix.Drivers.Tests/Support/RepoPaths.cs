namespace Octomix.Drivers.Tests.Support;

/// <summary>Finds files of the repository (the README tables the tests check) from the test's output folder.</summary>
public static class RepoPaths
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Octomix.Firmware.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Octomix.Firmware.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string File_(params string[] parts) => Path.Combine([Root, .. parts]);
}

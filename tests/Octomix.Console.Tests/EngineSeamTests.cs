using Octomix.Desk.Engine;

namespace Octomix.Console.Tests;

/// <summary>
/// The console engine references neither the server nor a UI (issue 12): the CLI, the
/// composition root, starts the server in this process and hands the engine an
/// <see cref="ILocalServer"/>. These fail if a reference comes back.
/// </summary>
public sealed class EngineSeamTests
{
    [Theory]
    [InlineData("Octomix.Server")]
    [InlineData("Octomix.Web")]
    [InlineData("octomix")] // the CLI
    public void TheEngineAssemblyDoesNotReference(string assembly)
    {
        var references = typeof(ConsoleEngine).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Octomix.Protocol", references); // the list is real
        Assert.DoesNotContain(assembly, references);
    }

    [Fact]
    public void TheEngineProjectHasNoReferenceToTheServerProject()
    {
        // a ProjectReference the compiler drops as unused would not show in the assembly's references
        string project = Path.Combine(RepositoryRoot(), "host-tools", "Octomix.Console", "Octomix.Console.csproj");
        string text = File.ReadAllText(project);
        Assert.DoesNotContain("Octomix.Server.csproj", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Octomix.Web.csproj", text, StringComparison.OrdinalIgnoreCase);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Octomix.Firmware.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Octomix.Firmware.sln) is not above " + AppContext.BaseDirectory);
    }
}

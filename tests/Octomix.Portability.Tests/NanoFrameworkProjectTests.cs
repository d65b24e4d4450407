using System.Xml.Linq;

namespace Octomix.Portability.Tests;

/// <summary>
/// The device build (.nfproj, built by the nanoFramework extension) and the host build
/// (.csproj) compile the same sources; nothing checks that on a machine without the extension
/// except this. (The nanoFramework API itself is checked by nfcheck, run from .ci/run.)
/// </summary>
public class NanoFrameworkProjectTests
{
    private static readonly string Root = FindRoot();

    public static IEnumerable<object[]> NfProjects() =>
        Directory.EnumerateFiles(Root, "*.nfproj", SearchOption.AllDirectories)
            .Where(p => !IsBuildOutput(p))
            .Select(p => new object[] { Path.GetRelativePath(Root, p) });

    [Fact]
    public void EveryPortableProjectHasANanoFrameworkProject()
    {
        var portable = Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !IsBuildOutput(p))
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Where(p => p.StartsWith("firmware/", StringComparison.Ordinal) || p.StartsWith("drivers/", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(portable);
        foreach (var csproj in portable)
        {
            var nfproj = Path.ChangeExtension(Path.Combine(Root, csproj), ".nfproj");
            Assert.True(File.Exists(nfproj), csproj + " runs on the box but has no .nfproj beside it");
        }
    }

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void CompileItemsAreExactlyTheSourcesOfTheFolder(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        var folder = Path.GetDirectoryName(path)!;
        var doc = XDocument.Load(path);
        var listed = doc.Descendants().Where(e => e.Name.LocalName == "Compile")
            .Select(e => (string)e.Attribute("Include")!)
            .Where(i => !i.Contains("..", StringComparison.Ordinal))
            .Select(i => i.Replace('\\', '/'))
            .OrderBy(i => i, StringComparer.Ordinal).ToList();
        var onDisk = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Where(f => !IsInOtherProject(folder, f))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();

        var missing = onDisk.Except(listed).ToList();
        var stale = listed.Except(onDisk).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"{relativePath}: not compiled on the device: [{string.Join(", ", missing)}]; listed but absent: [{string.Join(", ", stale)}]");
    }

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void ReferencesAndPackagesConfigAgree(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        var config = Path.Combine(Path.GetDirectoryName(path)!, "packages.config");
        Assert.True(File.Exists(config), relativePath + " has no packages.config beside it");
        var pinned = XDocument.Load(config).Descendants("package")
            .ToDictionary(p => (string)p.Attribute("id")!, p => (string)p.Attribute("version")!);

        var hintPaths = XDocument.Load(path).Descendants().Where(e => e.Name.LocalName == "HintPath").Select(e => e.Value.Replace('\\', '/')).ToList();
        Assert.NotEmpty(hintPaths);
        foreach (var hint in hintPaths)
        {
            // ../../packages/<id>.<version>/lib/<assembly>
            var folder = hint.Split('/').SkipWhile(s => s != "packages").Skip(1).First();
            var match = pinned.FirstOrDefault(p => folder == p.Key + "." + p.Value);
            Assert.True(match.Key != null, $"{relativePath}: HintPath {hint} names a package version not pinned in packages.config");
        }

        foreach (var (id, version) in pinned)
        {
            Assert.True(hintPaths.Any(h => h.Contains("/" + id + "." + version + "/", StringComparison.Ordinal)),
                $"{relativePath}: packages.config pins {id} {version} but no Reference uses it");
        }
    }

    [Fact]
    public void EveryPackageIsPinnedToOneVersionAcrossTheRepository()
    {
        var versions = Directory.EnumerateFiles(Root, "packages.config", SearchOption.AllDirectories)
            .Where(p => !IsBuildOutput(p))
            .SelectMany(p => XDocument.Load(p).Descendants("package").Select(e => (Id: (string)e.Attribute("id")!, Version: (string)e.Attribute("version")!, File: p)))
            .GroupBy(x => x.Id);
        foreach (var g in versions)
        {
            var distinct = g.Select(x => x.Version).Distinct().ToList();
            Assert.True(distinct.Count == 1, $"{g.Key} is pinned to {string.Join(" and ", distinct)} in different projects");
        }
    }

    private static bool IsInOtherProject(string folder, string relative)
    {
        // a subfolder with its own project (samples/, tests next to a driver) is not this project's
        var dir = Path.GetDirectoryName(Path.Combine(folder, relative))!;
        while (dir.Length > folder.Length)
        {
            if (Directory.EnumerateFiles(dir, "*.nfproj").Any() || Directory.EnumerateFiles(dir, "*.csproj").Any())
            {
                return true;
            }

            dir = Path.GetDirectoryName(dir)!;
        }

        return false;
    }

    private static bool IsBuildOutput(string path)
    {
        var p = path.Replace('\\', '/');
        return p.Contains("/bin/", StringComparison.Ordinal) || p.Contains("/obj/", StringComparison.Ordinal)
            || p.Contains("/artifacts/", StringComparison.Ordinal) || p.Contains("/packages/", StringComparison.Ordinal);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Octomix.Firmware.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

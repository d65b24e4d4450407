using System.Diagnostics;
using System.Text;
using System.Xml.Linq;

namespace Octomix.Portability.Tests;

/// <summary>
/// Every .nfproj compiles against nanoFramework's real mscorlib (the NuGet package
/// nanoFramework.CoreLibrary, restored normally) with the compiler settings of a real
/// nanoFramework build: no standard library, no implicit framework references, C# 9.0 unless
/// the .nfproj sets a LangVersion, NANOFRAMEWORK_1_0 defined. The other nanoFramework
/// assemblies (System.Device.*, nanoFramework.*, System.IO.*, ...) are not on the registry: they
/// are referenced as the API checker's reference assemblies (<c>nfcheck stubs</c>, through
/// tools/nfcheck-api/nfcheck so the ADC data is included). The checker lives beside the
/// repository (../shared/tools/nf-compile-check), not in it: without it this test is skipped
/// with a message saying so. See docs/device-build.md.
/// </summary>
public class RealMscorlibBuildTests
{
    public const string CoreLibraryPackage = "nanoFramework.CoreLibrary";
    public const string CoreLibraryVersion = "1.17.11";

    /// <summary>References of the .nfproj files that no compilation needs (no API used by our code).</summary>
    private static readonly string[] NotCompiledAgainst =
    {
        // the nanoFramework test adapter's launcher executable: loaded by the test runner on the device only
        "nanoFramework.UnitTestLauncher",
    };

    [RealMscorlibFact]
    public void EveryDeviceProjectCompilesAgainstTheRealMscorlib()
    {
        string root = RepoRoot.Find();
        string checker = RealMscorlibFactAttribute.FindChecker()!;
        string work = Path.Combine(Path.GetTempPath(), "octomix-real-mscorlib-" + Environment.ProcessId);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, true);
        }

        Directory.CreateDirectory(work);

        // nothing of an enclosing folder's MSBuild settings applies to the generated projects
        File.WriteAllText(Path.Combine(work, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(work, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(work, "Directory.Packages.props"), "<Project />");

        string stubs = Path.Combine(work, "stubs");
        var env = new Dictionary<string, string> { ["NFCHECK"] = checker };
        var (code, output) = Run(Path.Combine(root, "tools/nfcheck-api/nfcheck"), new[] { "stubs", stubs }, root, env);
        Assert.True(code == 0, "nfcheck stubs failed:\n" + output);

        var nfprojs = Directory.EnumerateFiles(root, "*.nfproj", SearchOption.AllDirectories)
            .Where(p => !IsBuildOutput(Path.GetRelativePath(root, p)))
            .OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.True(nfprojs.Count >= 9, "expected the device projects, found " + nfprojs.Count);

        var generated = new List<(string Project, string Assembly)>();
        foreach (string nfproj in nfprojs)
        {
            generated.Add(Generate(root, nfproj, work, stubs));
        }

        // One restore + build of all of them: an aggregate project that references each.
        string allPath = Path.Combine(work, "all", "all.csproj");
        WriteProject(allPath, "Octomix.AllDeviceProjects", "Library", "9.0", "",
            generated.Select(g => new XElement("ProjectReference", new XAttribute("Include", g.Project),
                new XElement("ReferenceOutputAssembly", "false"))));
        (code, output) = Build(allPath, work);
        Assert.True(code == 0, "the device projects do not compile against nanoFramework's mscorlib "
            + CoreLibraryVersion + " (generated projects kept in " + work + "):\n" + output);
        foreach (var (project, assembly) in generated)
        {
            string dir = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug", "net10.0");
            Assert.True(File.Exists(Path.Combine(dir, assembly + ".dll")) || File.Exists(Path.Combine(dir, assembly + ".exe")),
                project + ": no " + assembly + " assembly was built in " + dir);
        }

        // The same settings reject what a nanoFramework build rejects: a C# 10 feature and
        // a type the real mscorlib lacks (so the build above did not compile against .NET's).
        string canary = Path.Combine(work, "canary", "Canary.csproj");
        WriteProject(canary, "Canary", "Library", "9.0", "", new[] { new XElement("Compile", new XAttribute("Include", "Canary.cs")) });
        File.WriteAllText(Path.Combine(work, "canary", "Canary.cs"),
            "namespace Canary;\npublic class C { public System.Collections.Generic.List<int> L; }\n");
        (code, output) = Build(canary, work);
        Assert.True(code != 0, "a C# 10 file-scoped namespace and List<T> compiled against nanoFramework's mscorlib:\n" + output);
        Assert.Contains("CS8773", output, StringComparison.Ordinal);
        Assert.Contains("CS0234", output, StringComparison.Ordinal);
        Directory.Delete(work, true); // kept when an assertion failed, to look at
    }

    [Fact]
    public void TheHostBuildOfPortableCodeUsesTheDeviceLanguageVersion()
    {
        // The host build (.csproj) of firmware/ and drivers/ must reject what the device build
        // rejects: same C# version as an .nfproj without LangVersion.
        string props = File.ReadAllText(Path.Combine(RepoRoot.Find(), "Directory.Build.props"));
        var doc = XDocument.Parse(props);
        var portable = doc.Descendants("PropertyGroup")
            .Where(g => ((string?)g.Attribute("Condition") ?? "").Contains("'$(OctomixPortable)' == 'true'", StringComparison.Ordinal))
            .SelectMany(g => g.Elements("LangVersion")).Select(e => e.Value).ToList();
        Assert.Equal(new[] { "9.0" }, portable);
    }

    private static XElement CommonProperties(string assemblyName, string outputType, string langVersion, string defines) =>
        new("PropertyGroup",
            new XElement("TargetFramework", "net10.0"),
            new XElement("AssemblyName", assemblyName),
            new XElement("OutputType", outputType),
            new XElement("NoStdLib", "true"),
            new XElement("DisableImplicitFrameworkReferences", "true"),
            new XElement("DisableImplicitNuGetFallbackFolder", "true"),
            new XElement("LangVersion", langVersion),
            new XElement("Nullable", "disable"),
            new XElement("ImplicitUsings", "disable"),
            new XElement("AllowUnsafeBlocks", "false"),
            new XElement("DefineConstants", "DEBUG;TRACE;NANOFRAMEWORK_1_0" + (defines.Length > 0 ? ";" + defines : "")),
            new XElement("EnableDefaultItems", "false"),
            new XElement("GenerateAssemblyInfo", "false"),
            new XElement("GenerateTargetFrameworkAttribute", "false"),
            new XElement("GenerateRuntimeConfigurationFiles", "false"),
            new XElement("GenerateDependencyFile", "false"),
            new XElement("UseAppHost", "false"),
            new XElement("EnableNETAnalyzers", "false"),
            new XElement("ProduceReferenceAssembly", "false"),
            new XElement("SatelliteResourceLanguages", "en"),
            new XElement("ManagePackageVersionsCentrally", "false"),
            new XElement("NoWarn", "$(NoWarn);NU1604;NU1701"));

    private static void WriteProject(string path, string assembly, string outputType, string langVersion, string defines, IEnumerable<XElement> items)
    {
        var project = new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            CommonProperties(assembly, outputType, langVersion, defines),
            new XElement("ItemGroup", CoreLibraryItems(), items));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        project.Save(path);
    }

    private static (int Code, string Output) Build(string project, string work) =>
        Run("dotnet", new[] { "build", project, "--nologo", "-v:q", "-clp:NoSummary;ErrorsOnly", "-p:TreatWarningsAsErrors=true" }, work, null);

    private static IEnumerable<XElement> CoreLibraryItems()
    {
        yield return new XElement("PackageDownload", new XAttribute("Include", CoreLibraryPackage),
            new XAttribute("Version", "[" + CoreLibraryVersion + "]"));
        yield return new XElement("Reference", new XAttribute("Include", "mscorlib"),
            new XElement("HintPath", "$(NuGetPackageRoot)" + CoreLibraryPackage.ToLowerInvariant() + "/" + CoreLibraryVersion + "/lib/mscorlib.dll"),
            new XElement("Private", "false"));
    }

    /// <summary>Writes an SDK-style project compiling the .nfproj's sources; returns its path.</summary>
    private static (string Project, string Assembly) Generate(string root, string nfproj, string work, string stubs)
    {
        var doc = XDocument.Load(nfproj);
        string dir = Path.GetDirectoryName(nfproj)!;
        string Prop(string name) => doc.Descendants().Where(e => e.Name.LocalName == name).Select(e => e.Value).LastOrDefault() ?? "";
        string name = Path.GetFileNameWithoutExtension(nfproj);
        string lang = Prop("LangVersion");
        var items = new XElement("ItemGroup");
        foreach (var compile in doc.Descendants().Where(e => e.Name.LocalName == "Compile"))
        {
            items.Add(new XElement("Compile", new XAttribute("Include", Path.Combine(dir, ((string)compile.Attribute("Include")!).Replace('\\', '/')))));
        }

        foreach (var reference in doc.Descendants().Where(e => e.Name.LocalName == "Reference"))
        {
            string referenced = ((string)reference.Attribute("Include")!).Split(',')[0].Trim();
            if (referenced == "mscorlib" || NotCompiledAgainst.Contains(referenced))
            {
                continue;
            }

            string stub = Path.Combine(stubs, referenced + ".dll");
            Assert.True(File.Exists(stub), Path.GetRelativePath(root, nfproj) + " references " + referenced
                + ", which neither the registry nor the API checker has: add its API data (tools/nfcheck-api) or list it in NotCompiledAgainst");
            items.Add(new XElement("Reference", new XAttribute("Include", referenced),
                new XElement("HintPath", stub), new XElement("Private", "false")));
        }

        foreach (var pr in doc.Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
        {
            string target = Path.GetFullPath(Path.Combine(dir, ((string)pr.Attribute("Include")!).Replace('\\', '/')));
            items.Add(new XElement("ProjectReference", new XAttribute("Include", GeneratedPath(root, target, work))));
        }

        string assembly = Prop("AssemblyName").Length > 0 ? Prop("AssemblyName") : name;
        string path = GeneratedPath(root, nfproj, work);
        WriteProject(path, assembly, Prop("OutputType") == "Exe" ? "Exe" : "Library", lang.Length > 0 ? lang : "9.0",
            Prop("DefineConstants").Replace("$(DefineConstants)", "", StringComparison.Ordinal).Trim(';'), items.Elements());
        return (path, assembly);
    }

    private static string GeneratedPath(string root, string nfproj, string work)
    {
        string relative = Path.GetRelativePath(root, Path.GetDirectoryName(nfproj)!).Replace('\\', '/');
        return Path.Combine(work, "projects", relative, Path.GetFileNameWithoutExtension(nfproj) + ".csproj");
    }

    private static (int Code, string Output) Run(string file, string[] args, string cwd, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (env != null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        // the generated projects are not part of this repository's build: no inherited MSBuild state
        psi.Environment.Remove("MSBuildExtensionsPath");
        psi.Environment.Remove("MSBUILD_EXE_PATH");
        psi.Environment.Remove("MSBuildSDKsPath");
        using var p = Process.Start(psi)!;
        var stdout = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        return (p.ExitCode, stdout.ToString());
    }

    private static bool IsBuildOutput(string relative)
    {
        string p = "/" + relative.Replace('\\', '/');
        return p.Contains("/bin/", StringComparison.Ordinal) || p.Contains("/obj/", StringComparison.Ordinal)
            || p.Contains("/artifacts/", StringComparison.Ordinal) || p.Contains("/packages/", StringComparison.Ordinal);
    }
}

/// <summary>
/// A fact that runs only when the nanoFramework API checker (../shared/tools/nf-compile-check)
/// is beside the repository, or NFCHECK names it; otherwise the test is skipped and says why.
/// </summary>
public sealed class RealMscorlibFactAttribute : FactAttribute
{
    public RealMscorlibFactAttribute()
    {
        if (FindChecker() == null)
        {
            Skip = "nanoFramework API checker not found (../shared/tools/nf-compile-check/nfcheck beside the repository, or NFCHECK=/path/to/nfcheck): "
                + "the build against the real mscorlib needs its reference assemblies for System.Device.* and nanoFramework.*; not checked";
        }
    }

    public static string? FindChecker()
    {
        string? env = Environment.GetEnvironmentVariable("NFCHECK");
        if (!string.IsNullOrEmpty(env))
        {
            return File.Exists(env) ? Path.GetFullPath(env) : null;
        }

        string root = RepoRoot.Find();
        foreach (string candidate in new[] { "../shared/tools/nf-compile-check/nfcheck", "../../shared/tools/nf-compile-check/nfcheck" })
        {
            string path = Path.GetFullPath(Path.Combine(root, candidate));
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Octomix.Protocol;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

/// <summary>
/// The native take writer's platform-free core (native/OctomixTakeWriter/take_ring.c), compiled
/// with the PC's gcc and run: its own checks (aligned pieces, the file equals what was appended,
/// a full ring refuses, the sync policy), and its digest of the audio it wrote equals
/// <see cref="TakeChecksum"/>'s over the same bytes — the console checks the box's digest with the
/// managed one, so the two must agree bit for bit.
/// </summary>
public class NativeTakeWriterTests
{
    private readonly ITestOutputHelper output;

    public NativeTakeWriterTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void TheRingCoreWritesAlignedPiecesAndItsDigestIsTakeChecksums()
    {
        string native = Path.Combine(FindRoot(), "native", "OctomixTakeWriter");
        string work = Path.Combine(Path.GetTempPath(), "octomix-native-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string exe = CompileCore(native, work, "take_ring");
            string audio = Path.Combine(work, "audio.bin");
            string text = Run(exe, work, audio);
            output.WriteLine(text);
            Assert.Contains("ok", text, StringComparison.Ordinal);

            var m = Regex.Match(text, @"digest (\d+) (\d+) (\d+)");
            Assert.True(m.Success, text);
            byte[] bytes = File.ReadAllBytes(audio);
            var sum = new TakeChecksum();
            sum.Update(bytes, 0, bytes.Length);
            Assert.Equal(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), sum.Length);
            Assert.Equal(ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), sum.A);
            Assert.Equal(ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), sum.B);
            Assert.NotEqual(0, bytes.Length % 8); // not a whole number of words: the zero-padded last word is compared too
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    /// <summary>
    /// The native file server's core (take_serve.c), host-compiled: whole-file and gap requests
    /// served byte for byte from a card image, cluster-bounded aligned reads, a card error part-way
    /// and a queue cleared mid-read (its own checks, test/test_take_serve.c). Not priced by the
    /// device model yet (docs/recording-path.md).
    /// </summary>
    [Fact]
    public void TheServeCoreServesRequestsByteForByteInAlignedReads()
    {
        string native = Path.Combine(FindRoot(), "native", "OctomixTakeWriter");
        string work = Path.Combine(Path.GetTempPath(), "octomix-native-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string exe = CompileCore(native, work, "take_serve");
            string text = Run(exe, work);
            output.WriteLine(text);
            var m = Regex.Match(text, @"reads (\d+) datagrams (\d+) bytes (\d+)");
            Assert.True(m.Success, text);
            Assert.True(long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) > 0, text);
            Assert.EndsWith("ok", text.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    /// <summary>
    /// The durable header (take_header.c), host-compiled: captured from the first piece, set
    /// before each sync to the whole frames synced and written back as the task does, so the header
    /// always declares what is on the card (a power cut leaves a preallocated file 1 GB long:
    /// docs/recording-path.md); the cases that must stay disarmed (its own checks,
    /// test/test_take_header.c).
    /// </summary>
    [Fact]
    public void TheHeaderCoreDeclaresTheSyncedWholeFramesAtEverySync()
    {
        string native = Path.Combine(FindRoot(), "native", "OctomixTakeWriter");
        string work = Path.Combine(Path.GetTempPath(), "octomix-native-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string text = Run(CompileCore(native, work, "take_header"), work);
            output.WriteLine(text);
            var m = Regex.Match(text, @"syncs (\d+) sectors (\d+) ok");
            Assert.True(m.Success, text);
            Assert.True(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= 10, text);
            Assert.Equal(2 * int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    /// <summary>
    /// The ESP32 glue (every <c>*_esp32.c</c>) compiles, warnings as errors, against declarations
    /// of the FatFs / FreeRTOS / ESP-IDF calls it uses (test/esp32-api, written from their
    /// documentation: not the real headers, so this is a check of names, arities and types, not
    /// a build of the image). A call with a wrong argument count is refused by them, so the check
    /// can fail.
    /// </summary>
    [Fact]
    public void TheEsp32GlueCompilesAgainstTheDeclaredApis()
    {
        string native = Path.Combine(FindRoot(), "native", "OctomixTakeWriter");
        string api = Path.Combine(native, "test", "esp32-api");
        var glue = Directory.GetFiles(native, "*_esp32.c");
        Assert.True(glue.Length >= 2, "the writer's and the file server's glue");
        foreach (var file in glue)
        {
            Run("gcc", native, "-fsyntax-only", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I" + native, "-I" + api, file);
        }

        string work = Path.Combine(Path.GetTempPath(), "octomix-native-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string wrong = Path.Combine(work, "wrong.c");
            File.WriteAllText(wrong, "#include \"ff.h\"\nint main(void) { FIL f; return (int)f_lseek(&f); }\n");
            var psi = new ProcessStartInfo("gcc") { WorkingDirectory = work, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-fsyntax-only", "-std=c11", "-I" + api, wrong })
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.NotEqual(0, p.ExitCode);
            Assert.Contains("too few arguments", err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    /// <summary>
    /// The native durable read's core (take_read.c), host-compiled: the cluster link map of one
    /// preallocated run in FatFs's CLMT layout, read plans that never reach the synced length and
    /// never cross a cluster or the buffer (one card command each), and reads of a card image
    /// through the map that give back the file's bytes (its own checks, test/test_take_read.c).
    /// </summary>
    [Fact]
    public void TheDurableReadCoreMapsTheRunAndReadsOnlyWhatIsSynced()
    {
        string native = Path.Combine(FindRoot(), "native", "OctomixTakeWriter");
        string work = Path.Combine(Path.GetTempPath(), "octomix-native-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string exe = CompileCore(native, work, "take_read");
            string text = Run(exe, work);
            output.WriteLine(text);
            var m = Regex.Match(text, @"reads (\d+) sectors (\d+) bytes (\d+)");
            Assert.True(m.Success, text);
            long reads = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            long sectors = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.True(reads > 1000, text);
            Assert.InRange(sectors, reads, reads * 4); // whole sectors, at most the 2 KB buffer per read
            Assert.EndsWith("ok", text.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    /// <summary>Compiles a core (<c>NAME.c</c>) with its test (<c>test/test_NAME.c</c>) as the README does; the executable's path.</summary>
    private static string CompileCore(string native, string work, string name)
    {
        string exe = Path.Combine(work, "test_" + name);
        Run("gcc", work, "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-I" + native,
            Path.Combine(native, name + ".c"), Path.Combine(native, "test", "test_" + name + ".c"), "-o", exe);
        return exe;
    }

    private static string Run(string file, string folder, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file + " (is gcc installed? .ci/run installs it)");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, file + " exited with " + p.ExitCode + ":\n" + stdout + stderr.Result);
        return stdout;
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

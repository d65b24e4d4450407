using System.Globalization;

namespace Octomix.Desk.Engine;

/// <summary>
/// What the console checks before it sends a Record: the recordings folder takes files, and its
/// disk has room for the take twice over (the spools while collecting, then the stems and the
/// mix). A take's size is known before it starts: rate × channels × bytes per sample × the
/// expected length (<see cref="ConsoleEngineOptions.ExpectedTakeLength"/>) for every track.
/// </summary>
public static class RecordPreflight
{
    /// <summary>Channels a box records (instrument and mic/line).</summary>
    public const int ChannelsPerTrack = 2;

    /// <summary>The widest sample the box writes (24-bit): the estimate errs on the safe side.</summary>
    public const int BytesPerSample = 3;

    /// <summary>Bytes the console's copy of a take of <paramref name="tracks"/> tracks needs (once; the check asks for twice that).</summary>
    public static long TakeBytes(int tracks, int sampleRate, TimeSpan length) =>
        (long)Math.Ceiling(length.TotalSeconds * sampleRate) * ChannelsPerTrack * BytesPerSample * Math.Max(1, tracks);

    /// <summary>
    /// Null when a take of <paramref name="takeBytes"/> can be recorded into <paramref name="folder"/>; else
    /// why not, in one sentence that says what to do.
    /// </summary>
    public static string? Problem(string folder, long takeBytes, bool checkFreeSpace)
    {
        string probe = Path.Combine(folder, StreamSpoolFolder, $".preflight-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(probe)!);
            using (var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.DeleteOnClose))
            {
                stream.Write(new byte[4096]);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return DiskSpace.IsFull(e)
                ? $"{DiskSpace.FullMessage(folder)}: free space, or choose another folder with --recordings, and record again"
                : $"the recordings folder {folder} is not writable ({e.Message}): make it writable, or choose another with --recordings, and record again";
        }

        if (!checkFreeSpace)
        {
            return null;
        }

        long free = DiskSpace.FreeBytes(folder);
        if (free >= 0 && free < 2 * takeBytes)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"not enough free space for the take in {folder}: {DiskSpace.Describe(free)} free, {DiskSpace.Describe(2 * takeBytes)} needed (twice the take's {DiskSpace.Describe(takeBytes)}: the console's copy, then the stems and the mix); free space, set a shorter --expected-length, or record anyway with --ignore-free-space");
        }

        return null;
    }

    /// <summary>
    /// Null when the box's card holds a take of <paramref name="expected"/> (or says nothing of its
    /// card time); else "track T (box B): its card holds 4 min 10 s at its format, less than the
    /// expected take of 10 min".
    /// </summary>
    public static string? CardProblem(string track, string? box, BoxStatusSnapshot? status, TimeSpan expected)
    {
        if (status?.CardFreeTime is not TimeSpan free || free >= expected)
        {
            return null;
        }

        return $"track {track} (box {box ?? "slot " + status.Slot.ToString(CultureInfo.InvariantCulture)}): its card holds {Duration(free)} at its format, less than the expected take of {Duration(expected)}";
    }

    /// <summary>"1 h 2 min", "4 min 10 s", "12 s".</summary>
    public static string Duration(TimeSpan t)
    {
        long s = (long)Math.Floor(t.TotalSeconds);
        return s >= 3600 ? string.Create(CultureInfo.InvariantCulture, $"{s / 3600} h {s % 3600 / 60} min")
            : s >= 60 ? string.Create(CultureInfo.InvariantCulture, $"{s / 60} min{(s % 60 != 0 ? " " + (s % 60) + " s" : "")}")
            : string.Create(CultureInfo.InvariantCulture, $"{s} s");
    }

    /// <summary>The spools' folder under the recordings folder (as the engine names it).</summary>
    internal const string StreamSpoolFolder = ".spool";
}

/// <summary>Free space and "disk full" in words the engineer can act on.</summary>
public static class DiskSpace
{
    private const int Enospc = 28;

    /// <summary>Bytes free for this user on the disk holding <paramref name="path"/> (its nearest existing folder); -1 when unknown.</summary>
    public static long FreeBytes(string path)
    {
        try
        {
            string? at = Path.GetFullPath(path);
            while (at != null && !Directory.Exists(at))
            {
                at = Path.GetDirectoryName(at);
            }

            return at == null ? -1 : new DriveInfo(at).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return -1;
        }
    }

    /// <summary>True for "no space left on device" (ENOSPC, ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL).</summary>
    public static bool IsFull(Exception e) =>
        e is IOException && (e.HResult is Enospc or 0x70 or 0x27 or unchecked((int)0x80070070) or unchecked((int)0x80070027)
            || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("disk full", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("not enough space", StringComparison.OrdinalIgnoreCase));

    /// <summary>"disk full on the console (PATH, N bytes free)".</summary>
    public static string FullMessage(string path)
    {
        long free = FreeBytes(path);
        return string.Create(CultureInfo.InvariantCulture, $"disk full on the console ({path}, {(free < 0 ? "free space unknown" : free + " bytes free")})");
    }

    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}

/// <summary>The console refused to start a take: why, and what to do, in <see cref="Exception.Message"/>.</summary>
public sealed class RecordRefusedException(string message, Exception? inner = null) : InvalidOperationException(message, inner);

using System.Diagnostics;
using System.Globalization;

namespace Octomix.Desk.Sessions;

/// <summary>
/// One console per session database: a lock file beside it (<c>octomix.db.lock</c>) holding the
/// holder's pid, host, process start time and when it took the lock. A second console is refused
/// while the holder lives; a lock left by a process that is gone (a <c>kill -9</c>, a power cut)
/// is taken over. A lock from another host cannot be checked and is refused: the message names
/// the file to delete once that console is known to be gone.
/// </summary>
public sealed class SessionLock : IDisposable
{
    private readonly string _content;
    private bool _released;

    private SessionLock(string path, string content, string? tookOverFrom)
    {
        FilePath = path;
        _content = content;
        TookOverFrom = tookOverFrom;
    }

    /// <summary>The lock file.</summary>
    public string FilePath { get; }

    /// <summary>The stale holder whose lock was taken over (its description), or null.</summary>
    public string? TookOverFrom { get; }

    /// <summary>The lock file of the database at <paramref name="databasePath"/>.</summary>
    public static string PathFor(string databasePath) => Path.GetFullPath(databasePath) + ".lock";

    /// <summary>
    /// Takes the lock of the database at <paramref name="databasePath"/>.
    /// </summary>
    /// <exception cref="SessionLockedException">Another live console holds it.</exception>
    /// <exception cref="IOException">The folder cannot hold the lock file (read-only, missing).</exception>
    public static SessionLock Acquire(string databasePath)
    {
        string path = PathFor(databasePath);
        string content = Describe(Environment.ProcessId, Environment.MachineName, OwnStart(), DateTime.UtcNow);
        string? tookOver = null;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(content);
                }

                return new SessionLock(path, content, tookOver);
            }
            catch (IOException) when (File.Exists(path))
            {
                string held;
                try
                {
                    held = File.ReadAllText(path);
                }
                catch (FileNotFoundException)
                {
                    continue; // released meanwhile
                }

                var holder = Holder.Parse(held);
                if (holder == null)
                {
                    // a lock file cut short (a crash while it was written, a torn write): no live holder wrote it completely
                    if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromSeconds(5))
                    {
                        Thread.Sleep(200);
                        continue;
                    }
                }
                else if (holder.Alive())
                {
                    throw new SessionLockedException(path, holder.Describe());
                }

                // stale: delete it if it is still the one read, then try again
                try
                {
                    if (File.ReadAllText(path) == held)
                    {
                        File.Delete(path);
                        tookOver = holder?.Describe() ?? "an unreadable lock file";
                    }
                }
                catch (FileNotFoundException)
                {
                }
            }
        }

        throw new IOException($"cannot take the session lock {path}: it changed under us five times");
    }

    /// <summary>Deletes the lock file if it is still this process's.</summary>
    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        try
        {
            if (File.Exists(FilePath) && File.ReadAllText(FilePath) == _content)
            {
                File.Delete(FilePath);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Describe(int pid, string host, DateTime processStart, DateTime since) => string.Create(CultureInfo.InvariantCulture,
        $"pid={pid}\nhost={host}\nprocess_start={processStart:O}\nsince={since:O}\n");

    private static DateTime OwnStart()
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    }

    /// <summary>The holder a lock file names.</summary>
    private sealed record Holder(int Pid, string Host, DateTime ProcessStart, DateTime Since)
    {
        public static Holder? Parse(string text)
        {
            var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
            return fields.TryGetValue("pid", out var pid) && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int p)
                && fields.TryGetValue("host", out var host)
                && fields.TryGetValue("process_start", out var start) && DateTime.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var s)
                && fields.TryGetValue("since", out var since) && DateTime.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t)
                ? new Holder(p, host, s, t)
                : null;
        }

        /// <summary>True while the holder runs: same host, that pid alive and started when the lock says (not a reused pid). Another host: assumed alive.</summary>
        public bool Alive()
        {
            if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            try
            {
                using var process = Process.GetProcessById(Pid);
                if (process.HasExited)
                {
                    return false;
                }

                return Math.Abs((process.StartTime.ToUniversalTime() - ProcessStart).TotalSeconds) < 2;
            }
            catch (ArgumentException)
            {
                return false; // no such process
            }
            catch (InvalidOperationException)
            {
                return false; // it exited meanwhile
            }
        }

        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"pid {Pid} on {Host} since {Since.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
    }
}

/// <summary>Another live console holds the session database's lock.</summary>
public sealed class SessionLockedException(string lockFile, string holder)
    : IOException($"the session database is in use by another console ({holder}); stop that one first, or, if it is on another machine and gone, delete {lockFile}")
{
    public string LockFile { get; } = lockFile;

    public string Holder { get; } = holder;
}

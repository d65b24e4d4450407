using System.Diagnostics;
using System.Globalization;
using Octomix.Desk.Sessions;

namespace Octomix.Console.Tests;

/// <summary>The session database's lock file: one console per database; stale locks of dead processes are taken over.</summary>
public class SessionLockTests
{
    private readonly string _db = Path.Combine(ExportToolRunner.TempDirectory(), "octomix.db");

    [Fact]
    public void ALiveHolderIsRefusedWithItsPidAndTheLockIsFreedOnDispose()
    {
        using (var first = SessionLock.Acquire(_db))
        {
            Assert.Null(first.TookOverFrom);
            string text = File.ReadAllText(SessionLock.PathFor(_db));
            Assert.Contains($"pid={Environment.ProcessId}\n", text, StringComparison.Ordinal);
            Assert.Contains($"host={Environment.MachineName}\n", text, StringComparison.Ordinal);

            var refused = Assert.Throws<SessionLockedException>(() => SessionLock.Acquire(_db));
            Assert.Contains($"in use by another console (pid {Environment.ProcessId} on {Environment.MachineName}", refused.Message, StringComparison.Ordinal);
            Assert.Equal(text, File.ReadAllText(SessionLock.PathFor(_db))); // the holder's lock is untouched
        }

        Assert.False(File.Exists(SessionLock.PathFor(_db)));
        using var again = SessionLock.Acquire(_db);
        Assert.Null(again.TookOverFrom);
    }

    [Fact]
    public void ALockLeftByADeadProcessIsTakenOver()
    {
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        gone.WaitForExit();
        WriteLock(gone.Id, Environment.MachineName, DateTime.UtcNow.AddMinutes(-1));

        using var taken = SessionLock.Acquire(_db);
        Assert.Contains($"pid {gone.Id}", taken.TookOverFrom, StringComparison.Ordinal);
        Assert.Contains($"pid={Environment.ProcessId}\n", File.ReadAllText(SessionLock.PathFor(_db)), StringComparison.Ordinal);
    }

    [Fact]
    public void APidReusedByAnotherProcessIsStaleAndAnotherHostIsRefused()
    {
        // our own pid, but a process start time that is not ours: the holder died and its pid was reused
        WriteLock(Environment.ProcessId, Environment.MachineName, DateTime.UtcNow.AddDays(-3));
        using (var taken = SessionLock.Acquire(_db))
        {
            Assert.NotNull(taken.TookOverFrom);
        }

        // another machine (a shared folder): it cannot be checked, so it is refused and the message names the file
        WriteLock(1, "some-other-host", DateTime.UtcNow);
        var refused = Assert.Throws<SessionLockedException>(() => SessionLock.Acquire(_db));
        Assert.Contains("pid 1 on some-other-host", refused.Message, StringComparison.Ordinal);
        Assert.Contains(SessionLock.PathFor(_db), refused.Message, StringComparison.Ordinal);
    }

    private void WriteLock(int pid, string host, DateTime processStart) => File.WriteAllText(SessionLock.PathFor(_db), string.Create(CultureInfo.InvariantCulture,
        $"pid={pid}\nhost={host}\nprocess_start={processStart:O}\nsince={processStart:O}\n"));
}

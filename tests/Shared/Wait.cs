using System.Diagnostics;

namespace Octomix.Tests.Shared;

/// <summary>Polling for the tests that drive real sockets and threads (console, web).</summary>
internal static class Wait
{
    /// <summary>Polls until the condition holds; false at the (generous) timeout. Never an assertion by itself.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition();
    }
}

using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Box.Tests;

/// <summary>The progressive-serving tests' rig: a box recording a take, its card file's bytes, and the FileData it sent.</summary>
internal static class ProgressiveTakeRig
{
    /// <summary>A box (native take writer or stock) recording take <paramref name="take"/> for at least <paramref name="seconds"/> s.</summary>
    public static BoxHarness Recording(uint take, double seconds, bool native, string? settings = null)
    {
        var h = new BoxHarness(o => o.NativeTakeWriter = native, extraSettings: settings);
        h.JoinAndCalibrate();
        h.Record(take, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        Assert.True(h.RunUntil(c => c.Recorder.FramesSoFar > seconds * 48000, 100000), h.Log());
        return h;
    }

    /// <summary><paramref name="length"/> bytes of the take's audio from <paramref name="offset"/>, read from the card's file.</summary>
    public static byte[] CardData(BoxHarness h, uint take, long offset, int length)
    {
        using var file = new FileStream(Path.Combine(h.CardFolder, "takes", "take-" + take.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + ".wav"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Position = 4096 + offset;
        var data = new byte[length];
        file.ReadExactly(data);
        return data;
    }

    /// <summary>Every FileData the box sent, with its data bytes.</summary>
    public static List<(FileDataMessage Message, byte[] Data)> FileData(BoxHarness h)
    {
        var raw = h.Server.Received.Where(d => d[3] == (byte)MessageType.FileData).ToList();
        var decoded = h.Server.Decoded(MessageType.FileData, () => new FileDataMessage()).ToList();
        return decoded.Select((m, i) => (m, raw[i].AsSpan(FileDataMessage.HeaderLength, m.DataLength).ToArray())).ToList();
    }

    /// <summary>
    /// A box recording take <paramref name="take"/> serves one 64 KB request progressively; once
    /// it has served two chunks (whatever it sets up once is done), <paramref name="blocks"/>
    /// blocks are run with the fake server answering in the background. The bytes allocated in
    /// those blocks and the chunks they served.
    /// </summary>
    public static (long Allocated, long Chunks) AllocationWhileServing(BoxHarness h, uint take, int blocks)
    {
        h.Server.SlotTimeoutMilliseconds = 60000;
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = take, Part = 0, Offset = 0, RequestLength = 65536 });
        Assert.True(h.RunUntil(c => c.Files.ProgressiveChunks >= 2, 100), h.Log());
        h.Server.StartBackground();
        long chunksBefore = h.Controller.Files.ProgressiveChunks;
        long allocated;
        try
        {
            long before = AllocationWindow.Start();
            for (int i = 0; i < blocks; i++)
            {
                h.Box.RunOnce();
            }

            allocated = AllocationWindow.BytesSince(before);
        }
        finally
        {
            h.Server.StopBackground();
        }

        return (allocated, h.Controller.Files.ProgressiveChunks - chunksBefore);
    }
}

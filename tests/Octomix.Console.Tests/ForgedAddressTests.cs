using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Octomix.Box;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Protocol;
using Octomix.Server;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// Issue 10 item 13 through the real server: a recording box joined to a real
/// <see cref="BroadcastServer"/> receives datagrams whose source is the server's own address and
/// port — forged with a raw socket (the UDP header written by hand; needs CAP_NET_RAW, so root,
/// as on CI; skipped otherwise) while the server holds that port — carrying unsigned and
/// wrongly signed Stop, Record, Calibrate and PlaybackStart. The kernel delivers them to the
/// box's connected socket; the box changes nothing and counts them; the take completes and its
/// stem equals the card.
/// </summary>
[Collection(RealTimeBoxes.Name)]
public sealed class ForgedAddressTests(ITestOutputHelper output)
{
    private const string Code = "FORGE-1";

    [Fact]
    public async Task CommandsForgedWithTheRealServersAddressAndPortChangeNothingAtARecordingBox()
    {
        Socket raw;
        try
        {
            raw = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Udp);
        }
        catch (SocketException e)
        {
            output.WriteLine("no raw socket here (not root): " + e.Message + "; the forgery at the box's socket is in Octomix.Box.Tests CommandAuthTests");
            return;
        }

        using var forger = raw;
        string root = ExportToolRunner.TempDirectory();
        var log = new TestLog();
        using var loggers = log.Factory();
        await using var server = BroadcastServer.Start(new ServerOptions
        {
            RoomCount = 1, FirstPort = 0, BindAddress = IPAddress.Loopback, JoinCodes = [Code], JoinBurst = 100, JoinRatePerSecond = 100,
        });
        int port = server.Ports[0];
        var musicians = SimulatedStudio.DemoMusicians(lossPercent: 0).Take(1).ToList();
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(root, "console.db"),
            RecordingsFolder = Path.Combine(root, "recordings"),
            Session = new SessionInfo { Name = "Forged", JoinCode = Code, TempoCentiBpm = 12000, CountInBars = 1 },
            Tracks = musicians.Select(m => m.Name).ToList(),
            Server = "127.0.0.1:" + port,
            Monitor = "none",
            CheckFreeSpace = false,
        };
        await using var engine = await ConsoleEngine.StartAsync(options, loggers, CancellationToken.None);
        using var studio = new SimulatedStudio(root, "127.0.0.1", port, Code, musicians, (name, level, text) => log.Add("box " + name, $"[{level}] {text}"));
        studio.Start();
        try
        {
            Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(60), CancellationToken.None), "the box is ready");
            var record = await engine.RecordAsync(CancellationToken.None);
            Assert.True(record.Started, string.Join("; ", record.NotRecording));
            uint take = record.Take!.Id;
            var box = studio.Boxes[0].Controller;
            Assert.True(await Wait.UntilAsync(() => box.State == BoxState.Recording && box.Recorder.FramesSoFar > 24_000, TimeSpan.FromSeconds(30)), "recording");

            var slot = server.GetStatus().Rooms[0].Slots.Single(s => s.Role == SlotRole.Jammer);
            var boxAddress = IPEndPoint.Parse(slot.Address);
            output.WriteLine($"server 127.0.0.1:{port}, box slot {slot.Slot} at {boxAddress}");
            long forgedBefore = box.ForgedCommands;
            int sent = 0;
            for (int round = 0; round < 10; round++)
            {
                foreach (var m in Commands(take, round))
                {
                    m.Token = 0; // the server blanks tokens: the box cannot tell a forwarded command from this
                    m.SourceSlot = Slot.FirstEngineer;
                    m.DestinationSlot = (byte)slot.Slot;
                    var b = new byte[ProtocolConstants.MaxDatagram];
                    int n = m.Write(b, 0);
                    if (round % 2 == 1)
                    {
                        n = CommandAuth.Sign(b, 0, n, (ulong)(1000 + round), 0x0123456789ABCDEF, 0xFEDCBA9876543210); // signed, with a key that is not the join's
                    }

                    SendFrom(forger, port, boxAddress, b.AsSpan(0, n));
                    sent++;
                }

                await Task.Delay(20);
            }

            Assert.True(await Wait.UntilAsync(() => box.ForgedCommands - forgedBefore >= sent, TimeSpan.FromSeconds(5)), $"the box received and refused every forgery: {box.ForgedCommands - forgedBefore} of {sent}");
            output.WriteLine($"{sent} commands forged with the server's address and port: the box refused {box.ForgedCommands - forgedBefore}");
            Assert.Equal(BoxState.Recording, box.State);
            Assert.Equal(take, box.CurrentTakeId);
            Assert.False(File.Exists(studio.TakeFile(0, take + 1)), "no second take on the card");

            // the genuine take goes on and completes
            await engine.StopAsync(CancellationToken.None);
            var collection = await engine.CollectAsync(CancellationToken.None);
            Assert.True(collection.Complete, string.Join("; ", collection.Incomplete.Select(t => t.Problem)));
            var export = await engine.ExportAsync(null, false, CancellationToken.None);
            var stem = export.Files.Stems.Single();
            byte[] stemData = ReconnectFaultTests.Rig.Data(Path.Combine(export.Files.Folder, stem.FileName));
            byte[] card = ReconnectFaultTests.Rig.Data(studio.TakeFile(0, take));
            Assert.True(card.AsSpan().SequenceEqual(stemData), "the stem equals the card");
            Assert.True(await Wait.UntilAsync(() => log.Contains("failed authentication"), TimeSpan.FromSeconds(5)), "the console reports the refused commands from the box's Status");
        }
        finally
        {
            log.WriteTo(output);
        }
    }

    private static IEnumerable<Message> Commands(uint take, int round)
    {
        yield return new TakeControlMessage(MessageType.Stop) { MessageId = (uint)(500 + round), TakeId = take };
        yield return new RecordMessage
        {
            MessageId = (uint)(600 + round), TakeId = take + 1, TempoCentiBpm = 12000, BeatsPerBar = 4, BeatUnit = 4, CountInBars = 1, ClickSound = 1, ClickLevel = 80,
            Flags2 = RecordFlags.StreamAudio, OriginSamples = 3600L * 48000, SampleRate = 48000, Project = "X", Scene = "Y", Track = "Z",
        };
        yield return new SimpleControlMessage(MessageType.Calibrate) { MessageId = (uint)(700 + round) };
        yield return new TakeControlMessage(MessageType.PlaybackStart) { MessageId = (uint)(800 + round), TakeId = take };
    }

    /// <summary>One UDP datagram from 127.0.0.1:<paramref name="sourcePort"/> (the server's) to <paramref name="to"/>, its header written by hand on a raw socket.</summary>
    private static void SendFrom(Socket raw, int sourcePort, IPEndPoint to, ReadOnlySpan<byte> payload)
    {
        var datagram = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(0), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)to.Port);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        // checksum 0: none (IPv4)
        payload.CopyTo(datagram.AsSpan(8));
        raw.SendTo(datagram, new IPEndPoint(to.Address, 0));
    }
}

using System.Diagnostics;
using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Server.Tests;

/// <summary>
/// Listen-only members (docs/protocol.md, Join, "Listeners"): they take listener slots, never
/// jammer slots; they receive the room mix or, when they ask, every jammer's stream; their audio
/// is dropped and counted; they time out and rejoin like any member. And RoomInfo: the server's
/// name told to every member.
/// </summary>
public class ListenerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void SixteenListenersHearTheRoomMixOfSevenJammersWithoutTakingTheirSlots(string io)
    {
        using var server = TestServer.Start(io);
        int port = server.Ports[0];
        var jammers = Enumerable.Range(0, 7).Select(i => new TestPeer(port, "jammer " + i)).ToList();
        var listeners = Enumerable.Range(0, 16).Select(i => new TestPeer(port, "listener " + i)).ToList();
        try
        {
            foreach (var j in jammers)
            {
                j.Join(framesPerPacket: 240);
            }

            foreach (var l in listeners)
            {
                l.Socket.ReceiveBufferSize = 4 << 20;
                var accept = l.Join(role: JoinRole.Listener, framesPerPacket: 320);
                Assert.True(Slot.IsListener(accept.AssignedSlot), $"listener slot {accept.AssignedSlot}");
            }

            Assert.Equal(Enumerable.Range(0, 7), jammers.Select(j => (int)j.Slot));
            Assert.Equal(Enumerable.Range(Slot.FirstListener, 16), listeners.Select(l => (int)l.Slot));

            // the 17th listener finds the listener slots full; an 8th jammer finds the jammer slots full
            using (var extra = new TestPeer(port, "listener 16"))
            {
                var reject = new RejectMessage();
                var answer = extra.JoinRaw(extra.NewJoin(TestServer.Code, JoinRole.Listener));
                Assert.Equal(DecodeResult.Ok, reject.Read(answer, 0, answer.Length));
                Assert.Equal(RejectReason.RoomFull, reject.Reason);
            }

            using (var extra = new TestPeer(port, "jammer 7"))
            {
                var answer = extra.JoinRaw(extra.NewJoin(TestServer.Code));
                Assert.Equal((byte)MessageType.Reject, answer[3]);
            }

            var room = server.GetStatus().Rooms[0];
            Assert.Equal(7, room.Jammers);
            Assert.Equal(16, room.Listeners);
            Assert.Equal(16, room.Slots.Count(s => s.Role == SlotRole.Listener));
            Assert.Contains(" L listener 0", StatusTable.Format(server.GetStatus(), null), StringComparison.Ordinal);

            // jammer i streams (100·(i+1), −100·(i+1)) in 5 ms packets, in real time, for 0.8 s
            var clock = Stopwatch.StartNew();
            for (uint seq = 0; seq < 160; seq++)
            {
                for (int i = 0; i < jammers.Count; i++)
                {
                    int v = 100 * (i + 1);
                    jammers[i].SendAudio(TestServer.Samples(240, 2, (f, c) => c == 0 ? v : -v), 2, seq, seq * 240L);
                }

                while (clock.Elapsed.TotalMilliseconds < (seq + 1) * 5.0)
                {
                    Thread.Sleep(1);
                }
            }

            const int everyone = 100 * (1 + 2 + 3 + 4 + 5 + 6 + 7);
            foreach (var l in listeners)
            {
                var mix = new AudioPacket();
                int packets = 0;
                int full = 0;
                uint? lastSequence = null;
                long? lastTimecode = null;
                // what is queued at the listener's socket (the mix goes on, in silence, after the jammers stop)
                while (packets < 300 && l.Receive(TimeSpan.FromMilliseconds(packets == 0 ? 2000 : 2)) is { } d)
                {
                    if (d[3] != (byte)MessageType.Audio)
                    {
                        continue;
                    }

                    Assert.Equal(DecodeResult.Ok, mix.Read(d, 0, d.Length));
                    Assert.Equal(Slot.Server, mix.SourceSlot); // never a jammer's own stream
                    Assert.Equal(AudioFlags.Mix, mix.Flags);
                    Assert.Equal(320, mix.FrameCount);
                    Assert.Equal(2, mix.Channels);
                    Assert.Equal(0u, Message.ReadToken(d, 0));
                    if (lastSequence is uint s)
                    {
                        // the room's packet counter and frame counter: the same datagram to every listener
                        // (a listener's socket buffer may overflow while the test reads the others)
                        Assert.True(mix.Sequence > s, $"sequence {mix.Sequence} after {s}");
                        Assert.Equal(lastTimecode + (320L * (mix.Sequence - s)), mix.Timecode);
                    }

                    lastSequence = mix.Sequence;
                    lastTimecode = mix.Timecode;
                    packets++;
                    for (int f = 0; f < mix.FrameCount; f++)
                    {
                        short left = BitConverter.ToInt16(d, mix.PayloadOffset + (4 * f));
                        short right = BitConverter.ToInt16(d, mix.PayloadOffset + (4 * f) + 2);
                        Assert.Equal(-left, right);
                        full += left == everyone ? 1 : 0;
                    }
                }

                Assert.True(packets >= 60, $"{l.Name}: {packets} room-mix packets (3 per 20 ms expected)");
                Assert.True(full >= 320 * 20, $"{l.Name}: {full} frames of all seven jammers");
            }

            // the jammers got each other's streams as before, and nothing from the listeners
            Assert.Equal(0, server.GetStatus().Rooms[0].Drops[DropReason.ListenerAudio]);
        }
        finally
        {
            jammers.ForEach(j => j.Dispose());
            listeners.ForEach(l => l.Dispose());
        }
    }

    [Fact]
    public void AudioAndCommandsFromAListenerAreDroppedAndCounted()
    {
        using var server = TestServer.Start();
        using var jammer = new TestPeer(server.Ports[0], "jammer");
        using var listener = new TestPeer(server.Ports[0], "listener");
        using var console = new TestPeer(server.Ports[0], "console");
        jammer.Join();
        listener.Join(role: JoinRole.Listener);
        console.Join(role: JoinRole.Engineer);
        console.Sync();
        jammer.Sync();

        listener.SendAudio(TestServer.Samples(64, 2, (f, c) => 1234), 2, 0, 0);
        listener.SendAudio(TestServer.Samples(64, 2, (f, c) => 1234), 2, 1, 64, destination: Slot.Engineers);
        listener.Send(new NoticeMessage { MessageId = 3, DestinationSlot = Slot.Engineers, Code = NoticeCode.TakeStopped });
        var afterwards = listener.Sync(); // Status is allowed: answered with Ack

        var room = TestServer.WaitFor(server, s => s.Rooms[0].Drops[DropReason.ListenerAudio] == 2 && s.Rooms[0].Drops[DropReason.NotAllowed] == 1, "the listener's audio and notice dropped").Rooms[0];
        Assert.Equal(3, room.Slots.Single(s => s.Role == SlotRole.Listener).Drops);
        Assert.DoesNotContain(afterwards, d => d[3] == (byte)MessageType.Audio && d[8] != Slot.Server); // the room mix only, never its own audio back
        Assert.DoesNotContain(jammer.Sync(), d => d[3] == (byte)MessageType.Audio || d[3] == (byte)MessageType.Notice);
        Assert.DoesNotContain(console.Sync(), d => d[3] == (byte)MessageType.Audio || d[3] == (byte)MessageType.Notice);

        // and the engineer cannot command a listener
        console.Send(new SimpleControlMessage(MessageType.Calibrate) { MessageId = 9, DestinationSlot = listener.Slot });
        TestServer.WaitFor(server, s => s.Rooms[0].Drops[DropReason.NotAllowed] == 2, "the command to the listener dropped");
        Assert.DoesNotContain(listener.Sync(), d => d[3] == (byte)MessageType.Calibrate);
    }

    [Fact]
    public void AListenerAskingForMemberStreamsGetsEachJammersPacketsAndNoRoomMix()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var listener = new TestPeer(server.Ports[0], "monitor");
        using var engineer = new TestPeer(server.Ports[0], "console");
        a.Join();
        b.Join();
        listener.Join(role: JoinRole.Listener, capabilities: (byte)(JoinCapabilities.CanMix | JoinCapabilities.MemberStreams));
        engineer.Join(role: JoinRole.Engineer);
        listener.Sync();
        engineer.Sync();

        var sent = a.SendAudio(TestServer.Samples(64, 2, (f, c) => f), 2, 7, 448);
        var fromB = b.SendAudio(TestServer.Samples(64, 2, (f, c) => -f), 2, 3, 192);
        a.Send(new StatusMessage { Sequence = 1, SentAtMicroseconds = 5, DestinationSlot = Slot.Server });
        var take = a.SendAudio(TestServer.Samples(64, 2, (f, c) => 9), 2, 8, 512, destination: Slot.Engineers);

        var got = listener.Sync();
        var audio = got.Where(d => d[3] == (byte)MessageType.Audio).ToList();
        Assert.Equal(2, audio.Count); // a's and b's jam packets; not the take (FD), no mix
        var expected = (byte[])sent.Clone();
        Message.WriteToken(expected, 0, 0);
        Assert.Equal(expected, audio.Single(d => d[8] == a.Slot));
        var expectedB = (byte[])fromB.Clone();
        Message.WriteToken(expectedB, 0, 0);
        Assert.Equal(expectedB, audio.Single(d => d[8] == b.Slot));
        Assert.DoesNotContain(got, d => d[3] == (byte)MessageType.Status || d[3] == (byte)MessageType.Join);

        // the engineer got the take and a's Status; the listener is not in its roster
        var toEngineer = engineer.Sync();
        Assert.Contains(toEngineer, d => d[3] == (byte)MessageType.Audio && d[9] == Slot.Engineers);
        Assert.DoesNotContain(toEngineer, d => d[3] == (byte)MessageType.Join && d[8] == listener.Slot);
        Assert.Null(server.GetStatus().Rooms[0].RoomMix);
        _ = take;
    }

    [Fact]
    public void AListenerTimesOutAndRejoinsItsSlotLikeABox()
    {
        var first = TestServer.Start(tweak: o => o with { SlotTimeout = TimeSpan.FromMilliseconds(600) });
        int port = first.Ports[0];
        using var listener = new RoomTestPeer(port, "radio", JoinRole.Listener, minimumSilenceMicros: 500_000);
        listener.Start();
        Assert.True(listener.PumpUntil(() => listener.Membership.IsMember, Patience));
        byte slot = listener.Membership.Slot;
        uint token = listener.Membership.Token;
        Assert.True(Slot.IsListener(slot));

        // silent: freed after the slot timeout
        listener.Sending = false;
        TestServer.WaitFor(first, s => s.Rooms[0].Listeners == 0, "the silent listener freed");
        Assert.Equal(1, first.GetStatus().Rooms[0].SlotsExpired);

        // the server restarts; the listener finds it silent and rejoins: the same slot and token
        first.Dispose();
        listener.Sending = true;
        Assert.True(listener.PumpUntil(() => listener.Membership.State == MembershipState.Rejoining, Patience), "the listener found the server silent");
        using var second = TestServer.Start(tweak: o => o with { FirstPort = port, SlotTimeout = TimeSpan.FromMilliseconds(600) });
        Assert.True(listener.PumpUntil(() => listener.Membership.IsMember, Patience), "rejoined");
        Assert.Equal(slot, listener.Membership.Slot);
        Assert.Equal(token, listener.Membership.Token);
        Assert.Contains(MembershipChange.Rejoined, listener.Changes);
        var room = second.GetStatus().Rooms[0];
        Assert.Equal(1, room.Listeners);
        Assert.Equal(0, room.Jammers);
        Assert.Equal(1, room.Rejoins);
    }

    [Fact]
    public void EveryMemberLearnsTheServersNameOnceItsAddressIsProven()
    {
        using var server = TestServer.Start(tweak: o => o with { ServerName = "Studio A", RoomCount = 2 });
        using var box = new TestPeer(server.Ports[1], "box");
        using var listener = new TestPeer(server.Ports[1], "listener");
        using var stranger = new TestPeer(server.Ports[1], "stranger");
        box.SkipRoomInfo = false;
        listener.SkipRoomInfo = false;
        stranger.SkipRoomInfo = false;
        box.Join();
        listener.Join(role: JoinRole.Listener);

        // nothing before the first datagram with the token (a spoofed Join draws only the Accept)
        Assert.Null(box.Receive(TimeSpan.FromMilliseconds(100)));
        foreach (var member in new[] { box, listener })
        {
            var info = new RoomInfoMessage();
            var d = member.Sync().Single(x => x[3] == (byte)MessageType.RoomInfo);
            Assert.Equal(DecodeResult.Ok, info.Read(d, 0, d.Length));
            Assert.Equal("Studio A", info.ServerName);
            Assert.Equal(1, info.Room);
            Assert.Equal(7, info.MaxJammers);
            Assert.Equal(16, info.MaxListeners);
            Assert.Equal(Slot.Server, info.SourceSlot);
            Assert.Equal(member.Slot, info.DestinationSlot);
            Assert.DoesNotContain(member.Sync(), x => x[3] == (byte)MessageType.RoomInfo); // once, then only the repeats
        }

        stranger.Send(new StatusMessage { Sequence = 1, DestinationSlot = Slot.Server });
        Assert.Null(stranger.Receive(TimeSpan.FromMilliseconds(200)));

        var status = server.GetStatus();
        Assert.Equal("Studio A", status.ServerName);
        Assert.Contains("server \"Studio A\"", StatusTable.Format(status, null), StringComparison.Ordinal);

        // repeated every few seconds, so a lost one is made good
        Assert.NotNull(box.ReceiveType(MessageType.RoomInfo, timeout: TimeSpan.FromSeconds(Rooms.Room.RoomInfoRepeatSeconds + 3)));
    }
    [Theory]
    [InlineData("Studio A", true)]
    [InlineData("Régie ♪ 2", true)]
    [InlineData("", true)]
    [InlineData("A name far longer than thirty-one bytes", false)]
    [InlineData("éééééééééééééééé", false)] // 16 characters, 32 bytes
    [InlineData("Studio\nA", false)]
    [InlineData("Studio A ", false)]
    public void AServerNameIsUpTo31BytesOfPrintableText(string name, bool ok)
    {
        Assert.Equal(ok, ServerOptions.ServerNameProblem(name) == null);
        Assert.Equal(ok, !(TestServer.Options() with { ServerName = name }).Problems().Any(p => p.Contains("server name", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OctomixListenWritesTheRoomMixOfTheJammers()
    {
        using var server = TestServer.Start(tweak: o => o with { ServerName = "Studio A" });
        using var jammer = new TestPeer(server.Ports[0], "jammer");
        jammer.Join(framesPerPacket: 240);
        string file = Path.Combine(Path.GetTempPath(), $"octomix-listen-{Guid.NewGuid():N}.pcm");
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "octomix.exe" : "octomix"))
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "listen", "--server", $"127.0.0.1:{server.Ports[0]}", "--join-code", TestServer.Code, "--output", file, "--seconds", "3" })
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var listen = Process.Start(psi)!;
            var stderr = listen.StandardError.ReadToEndAsync();
            TestServer.WaitFor(server, st => st.Rooms[0].Listeners == 1, "octomix listen joined", TimeSpan.FromSeconds(60));

            // the jammer streams (1000, −1000) in real time while the listener runs
            var samples = TestServer.Samples(240, 2, (f, c) => c == 0 ? 1000 : -1000);
            var clock = Stopwatch.StartNew();
            uint seq = 0;
            while (!listen.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                jammer.SendAudio(samples, 2, seq, seq * 240L);
                seq++;
                while (clock.Elapsed.TotalMilliseconds < seq * 5.0)
                {
                    Thread.Sleep(1);
                }
            }

            await listen.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            string err = await stderr;
            Assert.True(listen.ExitCode == 0, "octomix listen failed: " + err);
            Assert.Contains("the server is \"Studio A\"", err, StringComparison.Ordinal);

            var pcm = File.ReadAllBytes(file);
            Assert.Equal(0, pcm.Length % 4);
            int frames = pcm.Length / 4;
            Assert.True(frames >= 48000, $"{frames} frames in about 3 s");
            int mixed = 0;
            for (int f = 0; f < frames; f++)
            {
                short left = BitConverter.ToInt16(pcm, 4 * f);
                short right = BitConverter.ToInt16(pcm, (4 * f) + 2);
                Assert.True((left, right) is (0, 0) or (1000, -1000), $"frame {f}: ({left}, {right})");
                mixed += left == 1000 ? 1 : 0;
            }

            Assert.True(mixed > 48000, $"{mixed} frames of the jammer");
            Assert.Equal(0, server.GetStatus().Rooms[0].Drops[DropReason.ListenerAudio]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

using System.Text;

namespace Octomix.Protocol.Tests;

/// <summary>
/// The messages behind docs/protocol-vectors.txt. The file is the contract both sides test
/// against (the host tests here, the box's nanoFramework tests through a generated copy); this
/// catalog is how it is produced and kept honest: <see cref="ProtocolVectorTests"/> fails when
/// the file and the encoder disagree. Set OCTOMIX_WRITE_VECTORS=1 to rewrite the file after a
/// deliberate protocol change (and review the diff).
/// </summary>
internal static class VectorCatalog
{
    public static IEnumerable<(string Name, Message Message)> Good()
    {
        var pcm = new byte[] { 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x80, 0xFF, 0x7F };
        var audio = new AudioPacket
        {
            Token = 0x1234ABCD, SourceSlot = 2, DestinationSlot = Slot.Everyone, Sequence = 7, TakeId = 0,
            Timecode = 1_000_000, FrameCount = 2, Channels = 2, Format = (byte)SampleFormat.S16,
        };
        yield return ("audio-s16-stereo-jam", WithPayload(audio, pcm));

        var countIn = new AudioPacket
        {
            Token = 0xCAFEF00D, SourceSlot = 0, DestinationSlot = Slot.Engineers, Flags = AudioFlags.Retransmission,
            Sequence = 0xFFFFFFFF, TakeId = 3, Timecode = -96_000, FrameCount = 1, Channels = 2, Format = (byte)SampleFormat.S24,
        };
        yield return ("audio-s24-count-in-retransmitted", WithPayload(countIn, new byte[] { 0x56, 0x34, 0x12, 0xAA, 0xBB, 0xCC }));

        var nack = new NackMessage { Token = 0x01020304, SourceSlot = 16, DestinationSlot = 1 };
        nack.AddRange(100, 3);
        nack.AddRange(0xFFFFFFFE, 4);
        yield return ("nack-two-ranges", nack);

        yield return ("file-request", new FileRequestMessage { Token = 0x01020304, SourceSlot = 16, DestinationSlot = 1, TakeId = 9, Part = 0, Offset = 65536, RequestLength = 4096 });

        var data = new FileDataMessage { Token = 0, SourceSlot = 1, DestinationSlot = 16, TakeId = 9, Part = 1, Offset = 1024, DataLength = 4 };
        yield return ("file-data", WithData(data, new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }));

        yield return ("status-box-recording", new StatusMessage
        {
            Token = 0x0BADF00D, SourceSlot = 3, DestinationSlot = Slot.Server, Sequence = 42, SentAtMicroseconds = 123456789,
            State = BoxStateCode.Recording, StatusFlags = (byte)(StatusFlags.SdCardOk | StatusFlags.SdFastEnough | StatusFlags.Calibrated | StatusFlags.Recording | StatusFlags.Streaming),
            PeakDb0 = 12, PeakDb1 = 255, LatencySamples = 37, SdFreeMiB = 30000, SdWriteKBps = 410, Underruns = 0, Overruns = 1,
            RttTenthsMs = 25, TakeId = 3, Timecode = 480_000, ErrorCode = 0, BufferMilliseconds = 20,
            CardFreeSeconds = StatusMessage.CardSeconds(30000L << 20, 48_000 * 2 * 2), // 163840 s: 30000 MiB at 48 kHz stereo s16
        });

        yield return ("ack-status-echo", new AckMessage { Token = 0, SourceSlot = Slot.Server, DestinationSlot = 3, AckedId = 42, Result = AckResult.Ok, Echo = 123456789 });

        yield return ("join-box", new JoinMessage
        {
            MessageId = 1, Role = JoinRole.Jammer, Capabilities = JoinCapabilities.Records, BoxId = 0x0000A4CF12345678,
            SampleRate = 48000, Channels = 2, Format = (byte)SampleFormat.S16, FramesPerPacket = 256, JoinCode = "JAM-42", Name = "Bass Box",
        });

        yield return ("join-engineer-unicode-name", new JoinMessage
        {
            MessageId = 0x80000001, Role = JoinRole.Engineer, Capabilities = JoinCapabilities.CanMix, BoxId = 0xFEEDFACE,
            SampleRate = 48000, Channels = 2, Format = (byte)SampleFormat.S24, FramesPerPacket = 128, JoinCode = "ABCDEFGHIJKLMNOP", Name = "Régie ♪",
        });

        yield return ("join-rejoin", new JoinMessage
        {
            Token = 0x0BADF00D, MessageId = 0x00C0FFEE, Role = JoinRole.Jammer, Capabilities = JoinCapabilities.Records | JoinCapabilities.Rejoin,
            PreviousSlot = 3, BoxId = 0x0000A4CF12345678, SampleRate = 48000, Channels = 2, Format = (byte)SampleFormat.S16, FramesPerPacket = 256,
            JoinCode = "JAM-42", Name = "Bass Box",
        });

        yield return ("join-listener-room-mix", new JoinMessage
        {
            MessageId = 0x00000A11, Role = JoinRole.Listener, Capabilities = 0, BoxId = 0x0000000000C0FFEE,
            SampleRate = 48000, Channels = 2, Format = (byte)SampleFormat.S16, FramesPerPacket = 320, JoinCode = "JAM-42", Name = "Radio",
        });

        yield return ("join-listener-member-streams", new JoinMessage
        {
            MessageId = 0x00000A12, Role = JoinRole.Listener, Capabilities = (byte)(JoinCapabilities.CanMix | JoinCapabilities.MemberStreams), BoxId = 0xFEEDFACE,
            SampleRate = 48000, Channels = 2, Format = (byte)SampleFormat.S16, FramesPerPacket = 128, JoinCode = "JAM-42", Name = "Monitor",
        });

        yield return ("accept-listener", new AcceptMessage
        {
            Token = 0, DestinationSlot = 32, MessageId = 0x00000A11, AssignedSlot = 32, Room = 1, HeartbeatMilliseconds = 250,
            SessionToken = 0x5EED1234, SlotTimeoutMilliseconds = 1000, MaxJammers = 7, SampleRate = 48000, ServerTimeMicroseconds = 7_000_000,
        });

        yield return ("room-info-named", new RoomInfoMessage { Token = 0, SourceSlot = Slot.Server, DestinationSlot = 2, MessageId = 1, Room = 0, MaxJammers = 7, MaxListeners = 16, ServerName = "Studio A" });

        yield return ("room-info-unnamed", new RoomInfoMessage { Token = 0, SourceSlot = Slot.Server, DestinationSlot = 33, MessageId = 1, Room = 3, MaxJammers = 16, MaxListeners = 32, ServerName = string.Empty });

        yield return ("accept", new AcceptMessage
        {
            Token = 0, DestinationSlot = Slot.None, MessageId = 1, AssignedSlot = 2, Room = 0, HeartbeatMilliseconds = 250,
            SessionToken = 0x1234ABCD, SlotTimeoutMilliseconds = 1000, MaxJammers = 7, SampleRate = 48000, ServerTimeMicroseconds = 5_000_000,
        });

        yield return ("reject-room-full", new RejectMessage { DestinationSlot = Slot.None, MessageId = 1, Reason = RejectReason.RoomFull, RetryAfterMilliseconds = 5000 });

        yield return ("leave", new SimpleControlMessage(MessageType.Leave) { Token = 0x1234ABCD, SourceSlot = 2, DestinationSlot = Slot.Server, MessageId = 77 });

        yield return ("calibrate", new SimpleControlMessage(MessageType.Calibrate) { Token = 0x01020304, SourceSlot = 16, DestinationSlot = 2, MessageId = 78 });

        yield return ("record", new RecordMessage
        {
            Token = 0x01020304, SourceSlot = 16, DestinationSlot = 2, MessageId = 100, TakeId = 3, TempoCentiBpm = 9700,
            BeatsPerBar = 4, BeatUnit = 4, CountInBars = 1, ClickSound = 2, ClickLevel = 80,
            Flags2 = (byte)(RecordFlags.StreamAudio | RecordFlags.ClickDuringTake), StartDelayMilliseconds = 500,
            OriginSamples = 1_728_000_000, SampleRate = 48000, Project = "Demo", Scene = "Session 1", Track = "Bass",
        });

        yield return ("stop", new TakeControlMessage(MessageType.Stop) { Token = 0x01020304, SourceSlot = 16, DestinationSlot = Slot.Everyone, MessageId = 101, TakeId = 3 });

        yield return ("playback-start", new TakeControlMessage(MessageType.PlaybackStart) { Token = 0x01020304, SourceSlot = 16, DestinationSlot = Slot.Everyone, MessageId = 102, TakeId = 3, StartDelayMilliseconds = 300 });

        yield return ("playback-stop", new TakeControlMessage(MessageType.PlaybackStop) { Token = 0x01020304, SourceSlot = 16, DestinationSlot = Slot.Everyone, MessageId = 103, TakeId = 3 });

        var mix = new MixLevelsMessage { Token = 0x1234ABCD, SourceSlot = 2, DestinationSlot = Slot.Server, MessageId = 5, Enable = true };
        mix.Gains[0] = 256;
        mix.Gains[1] = 128;
        mix.Gains[2] = 0;
        yield return ("mix-levels", mix);

        // an engineer sets the room mix (destination FE) with pans: slot 0 hard left, 1 centre, 2 half right, 3 hard right
        var panned = new MixLevelsMessage { Token = 0x0BADCAFE, SourceSlot = 16, DestinationSlot = Slot.Server, MessageId = 6, Enable = true };
        panned.Gains[1] = 512;
        panned.Pans[0] = -127;
        panned.Pans[2] = 64;
        panned.Pans[3] = 127;
        yield return ("mix-levels-pans", panned);

        yield return ("file-info-request", new FileInfoRequestMessage { Token = 0x01020304, SourceSlot = 16, DestinationSlot = 2, MessageId = 104, TakeId = 3, Part = 0 });

        yield return ("file-info", new FileInfoMessage
        {
            Token = 0x1234ABCD, SourceSlot = 2, DestinationSlot = 16, MessageId = 104, TakeId = 3, Part = 0, PartCount = 1,
            FileStatus = FileStatus.Ready, Format = (byte)SampleFormat.S16, FirstSampleIndex = -96_000, FrameCount = 576_000,
            DataBytes = 2_304_000, DataOffsetInFile = 8192, LatencySamples = 37, ChecksumA = 0x0123456789ABCDEF, ChecksumB = 0xFEDCBA9876543210,
            SampleRate = 48000, Channels = 2,
        });

        yield return ("notice-card-full", new NoticeMessage { Token = 0x1234ABCD, SourceSlot = 2, MessageId = 9, Code = NoticeCode.TakeStoppedCardFull, TakeId = 3, Detail = 4_800_000 });
    }

    /// <summary>
    /// Commands as a box receives them from the server: signed by the console with the key of the
    /// box's join (join code, box id, Join message id), token blanked — and one with the console's
    /// token still in, which does not change the MAC.
    /// </summary>
    public static IEnumerable<(string Name, string JoinCode, ulong BoxId, uint JoinId, ulong Sequence, Message Message)> Signed()
    {
        const string code = "JAM-42";
        const ulong box = 0x0000A4CF12345678;
        const uint join = 1;
        const ulong t = 1_733_500_000_000_000; // µs since 1970, as the console numbers its commands
        yield return ("signed-record", code, box, join, t, new RecordMessage
        {
            Token = 0, SourceSlot = 16, DestinationSlot = 2, MessageId = 100, TakeId = 3, TempoCentiBpm = 9700,
            BeatsPerBar = 4, BeatUnit = 4, CountInBars = 1, ClickSound = 2, ClickLevel = 80,
            Flags2 = (byte)(RecordFlags.StreamAudio | RecordFlags.ClickDuringTake), StartDelayMilliseconds = 500,
            OriginSamples = 1_728_000_000, SampleRate = 48000, Project = "Demo", Scene = "Session 1", Track = "Bass",
        });
        yield return ("signed-stop", code, box, join, t + 1, new TakeControlMessage(MessageType.Stop) { Token = 0, SourceSlot = 16, DestinationSlot = 2, MessageId = 101, TakeId = 3 });
        yield return ("signed-stop-token-not-blanked", code, box, join, t + 1, new TakeControlMessage(MessageType.Stop) { Token = 0x01020304, SourceSlot = 16, DestinationSlot = 2, MessageId = 101, TakeId = 3 });
        yield return ("signed-playback-start", code, box, join, t + 2, new TakeControlMessage(MessageType.PlaybackStart) { SourceSlot = 16, DestinationSlot = 2, MessageId = 102, TakeId = 3, StartDelayMilliseconds = 300 });
        yield return ("signed-playback-stop", code, box, join, t + 3, new TakeControlMessage(MessageType.PlaybackStop) { SourceSlot = 16, DestinationSlot = 2, MessageId = 103, TakeId = 3 });
        yield return ("signed-calibrate", "ABCDEFGHIJKLMNOP", 0xFEEDFACE, 0x80000001, 1, new SimpleControlMessage(MessageType.Calibrate) { SourceSlot = 17, DestinationSlot = 5, MessageId = 78 });
        yield return ("signed-file-info-request", code, box, join, t + 4, new FileInfoRequestMessage { SourceSlot = 16, DestinationSlot = 2, MessageId = 104, TakeId = 3, Part = 0 });
        yield return ("signed-file-request", code, box, join, t + 5, new FileRequestMessage { SourceSlot = 16, DestinationSlot = 2, TakeId = 3, Part = 0, Offset = 65536, RequestLength = 4096 });
        var nack = new NackMessage { SourceSlot = 16, DestinationSlot = 2 };
        nack.AddRange(100, 3);
        yield return ("signed-nack", code, box, join, t + 6, nack);
    }

    /// <summary>A catalog command with its trailer.</summary>
    public static byte[] EncodeSigned(Message m, string joinCode, ulong boxId, uint joinId, ulong sequence)
    {
        CommandAuth.DeriveKey(joinCode, boxId, joinId, out ulong k0, out ulong k1);
        var b = new byte[ProtocolConstants.MaxDatagram];
        int n = CommandAuth.Sign(b, 0, m.Write(b, 0), sequence, k0, k1);
        return b[..n];
    }

    /// <summary>Malformed datagrams and the result every decoder must give (no exception).</summary>
    public static IEnumerable<(string Name, DecodeResult Expected, MessageType DecodeAs, byte[] Bytes)> Bad()
    {
        byte[] Encode(Message m)
        {
            var b = new byte[ProtocolConstants.MaxDatagram];
            int n = m.Write(b, 0);
            return b[..n];
        }

        var audio = Encode(WithPayload(new AudioPacket { Token = 1, SourceSlot = 0, FrameCount = 1, Channels = 2, Format = 1 }, new byte[4]));
        yield return ("too-short-header", DecodeResult.TooShort, MessageType.Audio, audio[..11]);

        var badMagic = (byte[])audio.Clone();
        badMagic[0] = (byte)'R';
        yield return ("bad-magic", DecodeResult.BadMagic, MessageType.Audio, badMagic);

        var badVersion = (byte[])audio.Clone();
        badVersion[2] = 2;
        yield return ("future-version", DecodeResult.UnsupportedVersion, MessageType.Audio, badVersion);

        var unknownType = (byte[])audio.Clone();
        unknownType[3] = 0x7F;
        yield return ("unknown-type", DecodeResult.UnknownType, MessageType.Audio, unknownType);

        yield return ("audio-payload-short", DecodeResult.BadLength, MessageType.Audio, audio[..^1]);

        var badFormat = (byte[])audio.Clone();
        badFormat[31] = 9;
        yield return ("audio-bad-format", DecodeResult.BadField, MessageType.Audio, badFormat);

        var zeroFrames = (byte[])audio.Clone();
        zeroFrames[28] = 0;
        yield return ("audio-zero-frames", DecodeResult.BadField, MessageType.Audio, zeroFrames);

        var join = Encode(new JoinMessage { MessageId = 1, JoinCode = "JAM", Name = "x" });
        var joinNameTooLong = (byte[])join.Clone();
        joinNameTooLong[52] = 40;
        yield return ("join-name-length-lies", DecodeResult.BadLength, MessageType.Join, joinNameTooLong);

        var joinBadUtf8 = (byte[])join.Clone();
        joinBadUtf8[53] = 0xC0;
        yield return ("join-name-invalid-utf8", DecodeResult.BadField, MessageType.Join, joinBadUtf8);

        var joinCodeGap = (byte[])join.Clone();
        joinCodeGap[36 + 5] = (byte)'X';
        yield return ("join-code-not-nul-padded", DecodeResult.BadField, MessageType.Join, joinCodeGap);

        var joinRole = (byte[])join.Clone();
        joinRole[16] = 4;
        yield return ("join-unknown-role", DecodeResult.BadField, MessageType.Join, joinRole);

        var info = Encode(new RoomInfoMessage { MessageId = 1, MaxJammers = 7, MaxListeners = 16, ServerName = "Studio A" });
        var infoNameLies = (byte[])info.Clone();
        infoNameLies[20] = 9;
        yield return ("room-info-name-length-lies", DecodeResult.BadLength, MessageType.RoomInfo, infoNameLies);

        var infoBadUtf8 = (byte[])info.Clone();
        infoBadUtf8[21] = 0xFF;
        yield return ("room-info-name-invalid-utf8", DecodeResult.BadField, MessageType.RoomInfo, infoBadUtf8);

        var status = Encode(new StatusMessage());
        yield return ("status-as-ack", DecodeResult.WrongType, MessageType.Ack, status);

        var oversize = new byte[ProtocolConstants.MaxDatagram + 1];
        audio.CopyTo(oversize, 0);
        yield return ("over-1400-bytes", DecodeResult.TooLong, MessageType.Audio, oversize);

        var nack = new NackMessage();
        nack.AddRange(1, 1);
        var nackBytes = Encode(nack);
        nackBytes[12] = 2;
        yield return ("nack-count-lies", DecodeResult.BadLength, MessageType.Nack, nackBytes);

        var record = Encode(new RecordMessage { MessageId = 1, TakeId = 1 });
        var slowTempo = (byte[])record.Clone();
        WireFormat.WriteU32(slowTempo, 20, 2999);
        yield return ("record-tempo-below-30", DecodeResult.BadField, MessageType.Record, slowTempo);

        var panned = new MixLevelsMessage { Token = 1, SourceSlot = 16, DestinationSlot = Slot.Server, MessageId = 9, Enable = true };
        panned.Pans[5] = 10;
        var pans = Encode(panned);
        yield return ("mix-levels-pans-cut", DecodeResult.BadLength, MessageType.MixLevels, pans[..60]);
        yield return ("mix-levels-pans-flag-without-pans", DecodeResult.BadLength, MessageType.MixLevels, pans[..52]);
        var panMinus128 = (byte[])pans.Clone();
        panMinus128[52 + 5] = 0x80;
        yield return ("mix-levels-pan-minus-128", DecodeResult.BadField, MessageType.MixLevels, panMinus128);
    }

    public static AudioPacket WithPayload(AudioPacket header, byte[] payload)
    {
        PayloadOf[header] = payload;
        return header;
    }

    public static FileDataMessage WithData(FileDataMessage header, byte[] data)
    {
        PayloadOf[header] = data;
        return header;
    }

    /// <summary>Encodes a catalog message (payload-carrying ones with their payload).</summary>
    public static byte[] Encode(Message m)
    {
        var b = new byte[ProtocolConstants.MaxDatagram];
        int n;
        switch (m)
        {
            case AudioPacket a:
                n = a.Write(b, 0, PayloadOf[a], 0);
                break;
            case FileDataMessage f:
                PayloadOf[f].CopyTo(b, FileDataMessage.HeaderLength);
                n = f.WriteHeader(b, 0);
                break;
            default:
                n = m.Write(b, 0);
                break;
        }

        return b[..n];
    }

    /// <summary>A fresh decoder instance for a type.</summary>
    public static Message NewFor(MessageType type) => type switch
    {
        MessageType.Audio => new AudioPacket(),
        MessageType.Nack => new NackMessage(),
        MessageType.FileData => new FileDataMessage(),
        MessageType.FileRequest => new FileRequestMessage(),
        MessageType.Status => new StatusMessage(),
        MessageType.Ack => new AckMessage(),
        MessageType.Join => new JoinMessage(),
        MessageType.Accept => new AcceptMessage(),
        MessageType.Reject => new RejectMessage(),
        MessageType.Leave or MessageType.Calibrate => new SimpleControlMessage(type),
        MessageType.RoomInfo => new RoomInfoMessage(),
        MessageType.Record => new RecordMessage(),
        MessageType.Stop or MessageType.PlaybackStart or MessageType.PlaybackStop => new TakeControlMessage(type),
        MessageType.MixLevels => new MixLevelsMessage(),
        MessageType.FileInfoRequest => new FileInfoRequestMessage(),
        MessageType.FileInfo => new FileInfoMessage(),
        MessageType.Notice => new NoticeMessage(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Hex(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 3);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(i % 16 == 0 ? "\n     " : " ");
            }

            sb.Append(bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static readonly Dictionary<Message, byte[]> PayloadOf = new(ReferenceEqualityComparer.Instance);
}

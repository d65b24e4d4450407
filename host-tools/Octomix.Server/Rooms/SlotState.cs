using Octomix.Protocol;
using Octomix.Server.Mixing;

namespace Octomix.Server.Rooms;

/// <summary>
/// One slot of a room: its owner, token, role and what the owner asked for, its mix state and
/// figures. Allocated once per slot number at start and reused by every owner; written by the
/// room thread only (status snapshots read it from other threads, see <see cref="Generation"/>).
/// </summary>
internal sealed class SlotState
{
    public SlotState(int index)
    {
        Index = index;
        for (int i = 0; i < MixReaders.Length; i++)
        {
            MixReaders[i] = new RingReader();
        }

        if (Slot.IsJammer(index))
        {
            Ring = new SourceRing();
        }
    }

    public int Index { get; }

    /// <summary>Odd while the slot is being (re)assigned; bumped on every change of owner, so a reader on another thread can tell a consistent snapshot.</summary>
    public int Generation;

    public volatile bool Occupied;

    public SlotRole Role;

    public uint Token;

    public byte Capabilities;

    /// <summary>Length of the owner's raw sockaddr (the bytes are in the table's pinned array).</summary>
    public int AddressLength;

    public long JoinedAt;

    public long LastHeard;

    /// <summary>Sequence of the newest Status from the owner: a Status from a new address rebinds the slot only when newer (a late duplicate from the old path does not move it back).</summary>
    public uint LastStatusSequence;

    public bool StatusSeen;

    /// <summary>Message id of the Join that got this slot, and the Accept sent for it (replayed for a repeated Join).</summary>
    public uint JoinMessageId;

    public readonly byte[] AcceptDatagram = new byte[40];

    public int AcceptLength;

    /// <summary>
    /// A jammer's Join as the room announces it to engineers (token 0, source = this slot,
    /// destination FD), kept for the roster replays. Up to 53 + 31 bytes.
    /// </summary>
    public readonly byte[] Announcement = new byte[96];

    public int AnnouncementLength;

    /// <summary>
    /// An engineer that has not yet sent a datagram with its token: it gets the roster (and any
    /// announcement) only once it has proven its address, so a spoofed Join never draws more
    /// than an Accept.
    /// </summary>
    public bool RosterPending;

    public string Name = string.Empty;

    public string Endpoint = string.Empty;

    public ulong BoxId;

    public int Channels;

    public byte Format;

    public int FramesPerPacket;

    /// <summary>The rate the member joined with (its Join), and its samples per stopwatch tick (for its jitter).</summary>
    public int SampleRate;

    public double SamplesPerTick;

    /// <summary>A member at another rate than the room's: its stream → the room rate (mixes, members that want the room rate). Null at the room's rate. See Room.Rates.cs.</summary>
    public Octomix.Dsp.PolyphaseResampler? InResampler;

    /// <summary>A member at another rate: its personal mix, room rate → its rate.</summary>
    public Octomix.Dsp.PolyphaseResampler? OutResampler;

    /// <summary>Source timecode the converted stream expects next, the room timecode of the resampler's output 0, and whether a converted stream is running.</summary>
    public long ConvertNext;

    public long ConvertBase;

    public bool Converting;

    /// <summary>Sequence of the converted packets forwarded to members that want the room rate.</summary>
    public uint ConvertedSequence;

    /// <summary>Packets that arrived too late (or reordered) for the converted stream: they are forwarded as they are, but not resampled.</summary>
    public long ConvertLate;

    public int BoxState = -1;

    /// <summary>Personal mix: on, gains per source slot (Q8.8), the next sequence number and timecode of its packets.</summary>
    public bool PersonalMix;

    public readonly int[] Gains = new int[Slot.MaxJammerSlots];

    /// <summary>Pan coefficients (Q14, <see cref="Mixing.PanLaw"/>) per source slot for this listener's personal mix; centre = 16384.</summary>
    public readonly int[] PanLeft = new int[Slot.MaxJammerSlots];

    public readonly int[] PanRight = new int[Slot.MaxJammerSlots];

    public uint MixSequence;

    public long MixTimecode;

    /// <summary>Last time the owner's own audio arrived (its stream clocks its personal mix).</summary>
    public long LastOwnAudio;

    /// <summary>Server-clocked personal mix (a listener that sends no audio): when the next packet is due.</summary>
    public long NextMixDue;

    /// <summary>This listener's place in each source's ring (personal mix).</summary>
    public readonly RingReader[] MixReaders = new RingReader[Slot.MaxJammerSlots];

    /// <summary>This jammer's jitter FIFO (null for engineer slots).</summary>
    public readonly SourceRing? Ring;

    /// <summary>The room mix's place in this jammer's ring.</summary>
    public readonly RingReader RoomMixReader = new();

    public readonly SlotStatistics Stats = new();

    public long Drops;

    public long MixUnderruns
    {
        get
        {
            long n = 0;
            foreach (var r in MixReaders)
            {
                n += r.Underruns;
            }

            return n;
        }
    }

    public long MixOverruns
    {
        get
        {
            long n = 0;
            foreach (var r in MixReaders)
            {
                n += r.Overruns;
            }

            return n;
        }
    }

    /// <summary>An RTJam client (Room.RtJam.cs): keyed by its ClientId, no token, its stream's next sequence and timecode.</summary>
    public bool RtJam;

    public uint RtJamClientId;

    public bool RtJamStreaming;

    public uint RtJamNextSequence;

    public long RtJamNextTimecode;

    public bool IsJammer => Role == SlotRole.Jammer;

    public bool IsEngineer => Role == SlotRole.Engineer;

    public bool IsListener => Role == SlotRole.Listener;

    /// <summary>A listener that asked for every jammer's stream (capability MemberStreams) instead of the room mix.</summary>
    public bool ListenerStreams;

    /// <summary>Joined through a Join (not some other path): gets RoomInfo once its address is proven, and its repeats.</summary>
    public bool InfoPending;

    public bool InfoSent;
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Octomix.Protocol;
using Octomix.Server.Io;

namespace Octomix.Server.Rooms;

/// <summary>
/// The slots of one room: slot number → owner address, token, role and state. Owner addresses
/// are kept as raw sockaddr bytes in one pinned array, so sendmmsg can point at them and the
/// security gate compares them with the sender's address without allocating. One owner: the
/// room thread.
/// </summary>
internal sealed unsafe class RoomSlotTable
{
    /// <summary>Slot numbers 0..15 are jammers, 16..19 engineers, 32..63 listeners (20..31 unused).</summary>
    public const int SlotCount = Slot.FirstListener + Slot.MaxListeners;

    /// <summary>One past the last engineer slot: loops over the engineers end here.</summary>
    public const int EngineerEnd = Slot.FirstEngineer + Slot.MaxEngineers;

    private readonly byte[] addresses = GC.AllocateArray<byte>(SlotCount * DatagramIo.AddressStride, pinned: true);
    private readonly byte* addressBase;
    private readonly byte[] tokenBytes = new byte[4];

    public RoomSlotTable(int maxJammers, int maxEngineers, int maxListeners = 0)
    {
        MaxJammers = maxJammers;
        MaxEngineers = maxEngineers;
        MaxListeners = maxListeners;
        Slots = new SlotState[SlotCount];
        for (int i = 0; i < SlotCount; i++)
        {
            Slots[i] = new SlotState(i);
        }

        addressBase = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(addresses));
    }

    public int MaxJammers { get; }

    public int MaxEngineers { get; }

    public int MaxListeners { get; }

    public int ListenerCount { get; private set; }

    public SlotState[] Slots { get; }

    public int JammerCount { get; private set; }

    public int EngineerCount { get; private set; }

    public byte* AddressOf(int slot) => addressBase + (slot * DatagramIo.AddressStride);

    /// <summary>True when <paramref name="slot"/> is a slot number this room uses.</summary>
    public bool InRange(int slot) => (slot >= 0 && slot < MaxJammers) || (slot >= Slot.FirstEngineer && slot < Slot.FirstEngineer + MaxEngineers)
        || (slot >= Slot.FirstListener && slot < Slot.FirstListener + MaxListeners);

    /// <summary>True when <paramref name="slot"/> is one of the slot numbers of <paramref name="role"/> (in range or not).</summary>
    public static bool FitsRole(SlotRole role, int slot) => role switch
    {
        SlotRole.Jammer => Slot.IsJammer(slot),
        SlotRole.Engineer => Slot.IsEngineer(slot),
        _ => Slot.IsListener(slot),
    };

    /// <summary>The slot owned by this address, or −1. Tries <paramref name="hint"/> (the header's source slot) first.</summary>
    public int FindOwner(byte* address, int length, int hint)
    {
        if (hint < SlotCount && Slots[hint].Occupied && SameAddress(hint, address, length))
        {
            return hint;
        }

        for (int i = 0; i < SlotCount; i++)
        {
            if (Slots[i].Occupied && SameAddress(i, address, length))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A free slot for the role, preferring <paramref name="preferred"/>; −1 when the room has none.</summary>
    public int FindFree(SlotRole role, int preferred)
    {
        int first = role == SlotRole.Jammer ? 0 : role == SlotRole.Engineer ? Slot.FirstEngineer : Slot.FirstListener;
        int count = role == SlotRole.Jammer ? MaxJammers : role == SlotRole.Engineer ? MaxEngineers : MaxListeners;
        if (preferred >= first && preferred < first + count && !Slots[preferred].Occupied)
        {
            return preferred;
        }

        for (int i = first; i < first + count; i++)
        {
            if (!Slots[i].Occupied)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Gives <paramref name="slot"/> to the address with a fresh random token, or with
    /// <paramref name="requestedToken"/> when it is non-zero and no other slot of the room holds
    /// it (a rejoin after a server restart keeps its token); returns the slot's state.
    /// </summary>
    public SlotState Assign(int slot, SlotRole role, byte* address, int length, long now, uint requestedToken = 0)
    {
        var s = Slots[slot];
        Interlocked.Increment(ref s.Generation); // odd: being written
        new ReadOnlySpan<byte>(address, length).CopyTo(new Span<byte>(AddressOf(slot), DatagramIo.AddressStride));
        s.AddressLength = length;
        s.Role = role;
        s.Token = requestedToken != 0 && !TokenTaken(requestedToken, slot) ? requestedToken : NewToken();
        s.LastStatusSequence = 0;
        s.StatusSeen = false;
        s.JoinedAt = now;
        s.LastHeard = now;
        s.Stats.Reset();
        s.Drops = 0;
        s.BoxState = -1;
        s.PersonalMix = false;
        s.RtJam = false;
        s.AnnouncementLength = 0;
        s.RosterPending = role == SlotRole.Engineer;
        s.ListenerStreams = false;
        s.InfoPending = false;
        s.InfoSent = false;
        s.LastOwnAudio = 0;
        s.MixSequence = 0;
        s.MixTimecode = 0;
        for (int i = 0; i < s.Gains.Length; i++)
        {
            s.Gains[i] = MixLevelsMessage.Unity;
            s.MixReaders[i].Reset();
            s.MixReaders[i].Underruns = 0;
            s.MixReaders[i].Overruns = 0;
        }

        Mixing.PanLaw.Apply(null, s.PanLeft, s.PanRight);

        s.Ring?.Clear();
        s.RoomMixReader.Reset();
        s.Occupied = true;
        if (role == SlotRole.Jammer)
        {
            JammerCount++;
        }
        else if (role == SlotRole.Listener)
        {
            ListenerCount++;
        }
        else
        {
            EngineerCount++;
        }

        Interlocked.Increment(ref s.Generation); // even: settled
        return s;
    }

    public void Free(int slot)
    {
        var s = Slots[slot];
        if (!s.Occupied)
        {
            return;
        }

        Interlocked.Increment(ref s.Generation);
        s.Occupied = false;
        s.PersonalMix = false;
        s.Ring?.Clear();
        if (s.Role == SlotRole.Jammer)
        {
            JammerCount--;
        }
        else if (s.Role == SlotRole.Listener)
        {
            ListenerCount--;
        }
        else
        {
            EngineerCount--;
        }

        Interlocked.Increment(ref s.Generation);
    }

    /// <summary>The owner of <paramref name="slot"/> is now at this address (a NAT rebinding): nothing else about it changes.</summary>
    public void Rebind(int slot, byte* address, int length)
    {
        var s = Slots[slot];
        Interlocked.Increment(ref s.Generation);
        new ReadOnlySpan<byte>(address, length).CopyTo(new Span<byte>(AddressOf(slot), DatagramIo.AddressStride));
        s.AddressLength = length;
        Interlocked.Increment(ref s.Generation);
    }

    /// <summary>True when the address is this slot's owner's.</summary>
    public bool IsOwnerAddress(int slot, byte* address, int length) => SameAddress(slot, address, length);

    private bool TokenTaken(uint token, int except)
    {
        for (int i = 0; i < SlotCount; i++)
        {
            if (i != except && Slots[i].Occupied && Slots[i].Token == token)
            {
                return true;
            }
        }

        return false;
    }

    private bool SameAddress(int slot, byte* address, int length)
    {
        return Slots[slot].AddressLength == length
            && new ReadOnlySpan<byte>(AddressOf(slot), length).SequenceEqual(new ReadOnlySpan<byte>(address, length));
    }

    /// <summary>A cryptographically random token, non-zero and unique in the room.</summary>
    private uint NewToken()
    {
        while (true)
        {
            RandomNumberGenerator.Fill(tokenBytes);
            uint t = BitConverter.ToUInt32(tokenBytes, 0);
            if (t == 0)
            {
                continue;
            }

            bool taken = false;
            foreach (var s in Slots)
            {
                taken |= s.Occupied && s.Token == t;
            }

            if (!taken)
            {
                return t;
            }
        }
    }
}

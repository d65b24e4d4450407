using System.Diagnostics;
using Octomix.Protocol;

namespace Octomix.Server.Rooms;

/// <summary>
/// RoomInfo (0x14): the server's name and the room's limits, told to every member that joined
/// with a Join once it has proven its address (its first datagram with its token), and again
/// every <see cref="RoomInfoRepeatSeconds"/> s, so a lost one is made good. The datagram is
/// written once at start; only its destination byte changes.
/// </summary>
internal sealed unsafe partial class Room
{
    /// <summary>Seconds between two RoomInfo to the same member.</summary>
    internal const int RoomInfoRepeatSeconds = 5;

    private readonly byte[] roomInfoDatagram = new byte[64];
    private int roomInfoLength;
    private long nextRoomInfoRepeat;

    private void InitRoomInfo()
    {
        var info = new RoomInfoMessage
        {
            Token = 0,
            SourceSlot = Slot.Server,
            DestinationSlot = Slot.Everyone,
            MessageId = 1,
            Room = (byte)Index,
            MaxJammers = options.MaxJammers,
            MaxListeners = options.MaxListeners,
            ServerName = options.ServerName ?? string.Empty,
        };
        roomInfoLength = info.Write(roomInfoDatagram, 0);
        nextRoomInfoRepeat = Stopwatch.GetTimestamp() + (RoomInfoRepeatSeconds * Stopwatch.Frequency);
    }

    private void SendRoomInfo(SlotState member)
    {
        member.InfoPending = false;
        member.InfoSent = true;
        EnsureRoom();
        int cell = RentCell();
        roomInfoDatagram.AsSpan(0, roomInfoLength).CopyTo(outCells.AsSpan(cell));
        outCells[cell + 9] = (byte)member.Index;
        SendTo(member, outBase + cell, roomInfoLength);
    }

    /// <summary>RoomInfo again to every member that has had it (from the housekeeping).</summary>
    private void RepeatRoomInfo(long now)
    {
        if (now < nextRoomInfoRepeat)
        {
            return;
        }

        nextRoomInfoRepeat = now + (RoomInfoRepeatSeconds * Stopwatch.Frequency);
        var slots = table.Slots;
        for (int i = 0; i < slots.Length; i++)
        {
            if (slots[i].Occupied && slots[i].InfoSent)
            {
                SendRoomInfo(slots[i]);
            }
        }
    }
}

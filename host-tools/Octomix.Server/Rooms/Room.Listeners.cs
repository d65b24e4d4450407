using Octomix.Protocol;

namespace Octomix.Server.Rooms;

/// <summary>
/// Listen-only members (role Listener, slots 32..63): they join with the join code, never take a
/// jammer slot and never send audio; they receive the room mix (the same 20 ms chunks as the
/// room-mix output, cut into Audio packets from FE with the Mix flag, one shared datagram per
/// packet for every listener), or every jammer's stream as it is forwarded (capability
/// MemberStreams). docs/protocol.md, Join, "Listeners".
/// </summary>
internal sealed unsafe partial class Room
{
    /// <summary>Listeners taking the room mix (not member streams): while there are any, the room mix is made.</summary>
    private int roomMixListeners;

    /// <summary>Room-mix packets sent to listeners (each once, whatever the number of listeners).</summary>
    private uint roomMixSequence;

    /// <summary>Frame counter of the room mix as sent to listeners: the timecode of its packets.</summary>
    private long roomMixFrames;

    /// <summary>
    /// Jam audio (destination FF) goes to: engineers; jammers that mix for themselves; listeners
    /// that asked for member streams. Not to a jammer with a personal mix, nor to a room-mix listener.
    /// </summary>
    private static bool WantsForwardedStreams(SlotState to) => to.IsEngineer || (to.IsListener ? to.ListenerStreams : !to.PersonalMix);

    private void ListenerJoined(SlotState s)
    {
        s.ListenerStreams = (join.Capabilities & JoinCapabilities.MemberStreams) != 0;
        if (!s.ListenerStreams)
        {
            roomMixListeners++;
        }
    }

    private void ListenerLeaving(SlotState s)
    {
        if (!s.ListenerStreams)
        {
            roomMixListeners--;
        }
    }

    /// <summary>
    /// What a listener may send once through the gate: Status (answered by Ack) and Leave.
    /// Audio is dropped and counted (<see cref="DropReason.ListenerAudio"/>), anything else is
    /// not allowed. True when the datagram was dropped.
    /// </summary>
    private bool ListenerMayNotSend(SlotState slot, MessageType type)
    {
        if (type == MessageType.Status || type == MessageType.Leave)
        {
            return false;
        }

        DropFrom(slot, type == MessageType.Audio ? DropReason.ListenerAudio : DropReason.NotAllowed);
        return true;
    }

    /// <summary>
    /// The chunk just mixed, to every room-mix listener: cut into the fewest equal packets of at
    /// most 342 stereo s16 frames (three of 320 at 48 kHz), each written once and queued for
    /// every listener (destination FF, the room's sequence and frame counter).
    /// </summary>
    private void SendRoomMixToListeners()
    {
        if (roomMixListeners == 0)
        {
            roomMixFrames += chunkFrames;
            return;
        }

        int maxFrames = AudioPacket.MaxFrames(2, (int)SampleFormat.S16);
        int packets = (chunkFrames + maxFrames - 1) / maxFrames;
        var slots = table.Slots;
        int done = 0;
        for (int k = 0; k < packets; k++)
        {
            int end = (int)((long)chunkFrames * (k + 1) / packets);
            int frames = end - done;
            EnsureRoom();
            int cell = RentCell();
            mixPacket.Token = 0;
            mixPacket.SourceSlot = Slot.Server;
            mixPacket.DestinationSlot = Slot.Everyone;
            mixPacket.Flags = AudioFlags.Mix;
            mixPacket.Sequence = roomMixSequence++;
            mixPacket.TakeId = 0;
            mixPacket.Timecode = roomMixFrames + done;
            mixPacket.FrameCount = frames;
            mixPacket.Channels = 2;
            mixPacket.Format = (byte)SampleFormat.S16;
            int length = mixPacket.WriteHeader(outCells, cell);
            Buffer.BlockCopy(chunk, done * 4, outCells, cell + AudioPacket.HeaderLength, frames * 4);
            for (int t = Slot.FirstListener; t < slots.Length; t++)
            {
                var to = slots[t];
                if (to.Occupied && to.IsListener && !to.ListenerStreams)
                {
                    SendTo(to, outBase + cell, length); // EnsureRoom left room for a send to every slot
                }
            }

            done = end;
        }

        roomMixFrames += chunkFrames;
    }
}

using Octomix.Protocol;

namespace Octomix.Server.Rooms;

/// <summary>Where audio and control messages from members go.</summary>
internal sealed unsafe partial class Room
{
    private void HandleAudio(SlotState slot, byte[] buf, int off, int len, long now)
    {
        if (audio.Read(buf, off, len) != DecodeResult.Ok)
        {
            DropFrom(slot, DropReason.Malformed);
            return;
        }

        byte* data = io.RxDataPointer + off;
        byte destination = audio.DestinationSlot;

        // the token is blanked once, in the receive cell, before it goes to anyone
        Message.WriteToken(buf, off, 0);

        if (slot.IsEngineer)
        {
            // the engineer's playback (or test audio): to every box, mixed-for or not
            if (destination == Slot.Everyone)
            {
                ToJammers(slot, data, len);
                if (rtJamMembers > 0)
                {
                    ForwardToRtJam(slot, buf, now);
                }
            }
            else
            {
                RouteByDestination(slot, destination, data, len);
            }

            return;
        }

        slot.Stats.OnAudio(buf, off, audio, (now - startTicks) * slot.SamplesPerTick);
        bool jam = destination == Slot.Everyone && (audio.Flags & AudioFlags.Retransmission) == 0;
        bool converted = slot.InResampler != null;
        if (jam && converted)
        {
            // another rate than the room's: resampled once, for the mixes and those who want the room rate (Room.Rates.cs)
            if (FeedingRings || AnyRoomRateWanter(slot))
            {
                ConvertJamAudio(slot, buf);
            }
        }
        else if (jam && FeedingRings)
        {
            slot.Ring!.Write(audio.Timecode, buf, audio.PayloadOffset, audio.FrameCount, audio.Channels, audio.Format);
        }

        if (destination == Slot.Everyone)
        {
            // every other member: engineers, and jammers that mix for themselves
            var slots = table.Slots;
            for (int t = 0; t < slots.Length; t++)
            {
                var to = slots[t];
                if (to.Occupied && t != slot.Index && WantsForwardedStreams(to) && !to.RtJam
                    && !(converted && jam && (to.Capabilities & JoinCapabilities.WantsRoomRate) != 0))
                {
                    SendTo(to, data, len);
                }
            }

            if (jam && rtJamMembers > 0)
            {
                ForwardToRtJam(slot, buf, now); // Room.RtJam.cs
            }
        }
        else if (destination == Slot.Engineers)
        {
            ToEngineers(slot, data, len);
        }
        else if (Slot.IsEngineer(destination))
        {
            RouteByDestination(slot, destination, data, len);
        }
        else
        {
            DropFrom(slot, DropReason.NotAllowed);
        }

        if (jam && slot.PersonalMix)
        {
            // the listener's own stream clocks its mix: one mix packet per packet it sends
            slot.LastOwnAudio = now;
            EmitPersonalMix(slot, audio.FrameCount, audio.Timecode);
        }
    }

    private void HandleStatus(SlotState slot, byte[] buf, int off, int len)
    {
        if (status.Read(buf, off, len) != DecodeResult.Ok)
        {
            DropFrom(slot, DropReason.Malformed);
            return;
        }

        slot.BoxState = status.State;
        if (!slot.StatusSeen || (int)(status.Sequence - slot.LastStatusSequence) > 0)
        {
            slot.LastStatusSequence = status.Sequence;
            slot.StatusSeen = true;
        }

        AckSlot(slot, status.Sequence, AckResult.Ok, status.SentAtMicroseconds);
        if (slot.IsJammer)
        {
            // the console's ready indicators come from these
            Message.WriteToken(buf, off, 0);
            var slots = table.Slots;
            for (int t = Slot.FirstEngineer; t < RoomSlotTable.EngineerEnd; t++)
            {
                if (slots[t].Occupied)
                {
                    SendTo(slots[t], io.RxDataPointer + off, len);
                }
            }
        }
    }

    private void HandleMixLevels(SlotState slot, byte[] buf, int off, int len, long now)
    {
        if (mixLevels.Read(buf, off, len) != DecodeResult.Ok)
        {
            DropFrom(slot, DropReason.Malformed);
            return;
        }

        var target = slot;
        if (slot.IsEngineer)
        {
            // the console: the room mix (destination FE), or a jammer's personal mix (its slot)
            byte destination = mixLevels.DestinationSlot;
            if (destination == Slot.Server)
            {
                SetRoomMixLevels(mixLevels.Gains, mixLevels.Pans);
                AckSlot(slot, mixLevels.MessageId, AckResult.Ok, 0);
                return;
            }

            if (!Slot.IsJammer(destination) || !table.InRange(destination) || !table.Slots[destination].Occupied || !table.Slots[destination].IsJammer)
            {
                AckSlot(slot, mixLevels.MessageId, AckResult.Refused, 0);
                return;
            }

            target = table.Slots[destination];
        }
        else if (!slot.IsJammer)
        {
            AckSlot(slot, mixLevels.MessageId, AckResult.Refused, 0);
            return;
        }

        Array.Copy(mixLevels.Gains, target.Gains, target.Gains.Length);
        Mixing.PanLaw.Apply(mixLevels.Pans, target.PanLeft, target.PanRight);
        if (mixLevels.Enable && !target.PersonalMix)
        {
            StartPersonalMix(target, now);
        }
        else if (!mixLevels.Enable && target.PersonalMix)
        {
            StopPersonalMix(target);
        }

        // to the console, the server answers in the name of the jammer it addressed (its reliable sender expects that source)
        AckSlot(slot, mixLevels.MessageId, AckResult.Ok, 0, target == slot ? Slot.Server : (byte)target.Index);
    }

    private void RouteControl(SlotState slot, MessageType type, byte[] buf, int off, int len)
    {
        byte destination = buf[off + 9];
        byte* data = io.RxDataPointer + off;
        Message.WriteToken(buf, off, 0);
        if (slot.IsEngineer)
        {
            if (destination == Slot.Everyone)
            {
                ToJammers(slot, data, len);
            }
            else
            {
                RouteByDestination(slot, destination, data, len);
            }

            return;
        }

        // a box talks to the engineers only: notices, file replies, acks of their commands
        if (type != MessageType.Notice && type != MessageType.FileInfo && type != MessageType.FileData && type != MessageType.Ack)
        {
            DropFrom(slot, DropReason.NotAllowed);
            return;
        }

        if (Slot.IsEngineer(destination))
        {
            RouteByDestination(slot, destination, data, len);
        }
        else
        {
            ToEngineers(slot, data, len);
        }
    }

    /// <summary>To one slot (a box from an engineer; an engineer; FD = the other engineers).</summary>
    private void RouteByDestination(SlotState from, byte destination, byte* data, int len)
    {
        if (destination == Slot.Engineers)
        {
            ToEngineers(from, data, len);
            return;
        }

        bool allowed = from.IsEngineer ? table.InRange(destination) : Slot.IsEngineer(destination) && table.InRange(destination);
        if (!allowed)
        {
            DropFrom(from, table.InRange(destination) ? DropReason.NotAllowed : DropReason.EmptyDestination);
            return;
        }

        if (Slot.IsListener(destination))
        {
            DropFrom(from, DropReason.NotAllowed); // listeners are sent the room, never commands
            return;
        }

        var to = table.Slots[destination];
        if (!to.Occupied || destination == from.Index || to.RtJam)
        {
            DropFrom(from, DropReason.EmptyDestination);
            return;
        }

        SendTo(to, data, len);
    }

    private void ToEngineers(SlotState from, byte* data, int len)
    {
        var slots = table.Slots;
        int sent = 0;
        for (int t = Slot.FirstEngineer; t < RoomSlotTable.EngineerEnd; t++)
        {
            if (slots[t].Occupied && t != from.Index)
            {
                SendTo(slots[t], data, len);
                sent++;
            }
        }

        if (sent == 0)
        {
            DropFrom(from, DropReason.EmptyDestination);
        }
    }

    private void ToJammers(SlotState from, byte* data, int len)
    {
        var slots = table.Slots;
        int sent = 0;
        for (int t = 0; t < Slot.MaxJammerSlots; t++)
        {
            if (slots[t].Occupied && t != from.Index && !slots[t].RtJam)
            {
                SendTo(slots[t], data, len);
                sent++;
            }
        }

        if (sent == 0)
        {
            DropFrom(from, DropReason.EmptyDestination);
        }
    }

    private void AckSlot(SlotState slot, uint ackedId, byte result, uint echo, byte source = Slot.Server)
    {
        ack.Token = 0;
        ack.SourceSlot = source;
        ack.DestinationSlot = (byte)slot.Index;
        ack.AckedId = ackedId;
        ack.Result = result;
        ack.Echo = echo;
        int cell = RentCell();
        int n = ack.Write(outCells, cell);
        SendTo(slot, outBase + cell, n);
    }
}

using Octomix.Protocol;

namespace Octomix.Server.Rooms;

/// <summary>
/// Who is in the room, told to its engineers: each accepted jammer's Join is forwarded to them
/// (token 0, source = the jammer's slot, destination FD); an engineer gets every jammer's Join,
/// in slot order, once it has proven its address (its first datagram with its token); a freed
/// jammer slot is announced as a Leave from that slot; and the whole roster is repeated every
/// <see cref="ServerOptions.RosterInterval"/>, so a lost announcement is made good. Jammers
/// never receive any of it.
/// </summary>
internal sealed unsafe partial class Room
{
    private readonly SimpleControlMessage leaveAnnouncement = new(MessageType.Leave);
    private readonly long rosterTicks;
    private long nextRosterRepeat;
    private long announcementsSent;

    /// <summary>Keeps the accepted jammer's Join, rewritten as the room announces it, and announces it.</summary>
    private void AnnounceJoin(SlotState member, byte[] buf, int off, int len)
    {
        var a = member.Announcement;
        if (len > a.Length)
        {
            return; // cannot happen: a Join that decoded is at most 84 bytes
        }

        Array.Copy(buf, off, a, 0, len);
        Message.WriteToken(a, 0, 0); // a joiner has no token, but whatever it put there stays with it
        a[8] = (byte)member.Index;
        a[9] = Slot.Engineers;
        a[10] = 0;
        a[11] = 0;
        member.AnnouncementLength = len;

        var slots = table.Slots;
        for (int t = Slot.FirstEngineer; t < slots.Length; t++)
        {
            if (IsListeningEngineer(slots[t]))
            {
                SendAnnouncement(member, slots[t]);
            }
        }
    }

    /// <summary>Every jammer's Join to one engineer, in slot order.</summary>
    private void ReplayRoster(SlotState engineer)
    {
        var slots = table.Slots;
        for (int s = 0; s < Slot.MaxJammerSlots; s++)
        {
            if (slots[s].Occupied && slots[s].IsJammer && slots[s].AnnouncementLength > 0)
            {
                SendAnnouncement(slots[s], engineer);
            }
        }
    }

    /// <summary>
    /// A jammer's slot is being freed: a Leave from its slot to the engineers. Message id: the
    /// member's own Leave's, or 0 when the server freed it (timeout, the box joined again).
    /// </summary>
    private void AnnounceLeave(SlotState member, uint leaveId)
    {
        if (!member.IsJammer || member.AnnouncementLength == 0)
        {
            return;
        }

        member.AnnouncementLength = 0;
        var slots = table.Slots;
        for (int t = Slot.FirstEngineer; t < slots.Length; t++)
        {
            if (!IsListeningEngineer(slots[t]))
            {
                continue;
            }

            EnsureRoom();
            leaveAnnouncement.Token = 0;
            leaveAnnouncement.SourceSlot = (byte)member.Index;
            leaveAnnouncement.DestinationSlot = Slot.Engineers;
            leaveAnnouncement.MessageId = leaveId;
            int cell = RentCell();
            int n = leaveAnnouncement.Write(outCells, cell);
            SendTo(slots[t], outBase + cell, n);
            announcementsSent++;
        }
    }

    /// <summary>The roster again to every engineer, now and then (from the housekeeping).</summary>
    private void RepeatRoster(long now)
    {
        if (now < nextRosterRepeat)
        {
            return;
        }

        nextRosterRepeat = now + rosterTicks;
        var slots = table.Slots;
        for (int t = Slot.FirstEngineer; t < slots.Length; t++)
        {
            if (IsListeningEngineer(slots[t]))
            {
                ReplayRoster(slots[t]);
            }
        }
    }

    private static bool IsListeningEngineer(SlotState s) => s.Occupied && s.IsEngineer && !s.RosterPending;

    private void SendAnnouncement(SlotState member, SlotState engineer)
    {
        EnsureRoom();
        int cell = RentCell();
        member.Announcement.AsSpan(0, member.AnnouncementLength).CopyTo(outCells.AsSpan(cell));
        SendTo(engineer, outBase + cell, member.AnnouncementLength);
        announcementsSent++;
    }
}

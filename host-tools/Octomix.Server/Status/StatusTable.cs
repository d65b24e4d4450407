using System.Globalization;
using System.Text;

namespace Octomix.Server;

/// <summary>
/// The compact text table `octomix server --status` prints: a line per room (rates since the
/// previous snapshot, drops by reason) and a line per occupied slot.
/// </summary>
public static class StatusTable
{
    public static string Format(ServerStatus now, ServerStatus? previous)
    {
        var s = new StringBuilder();
        double seconds = previous == null ? now.Uptime.TotalSeconds : (now.Uptime - previous.Uptime).TotalSeconds;
        seconds = Math.Max(seconds, 0.001);
        s.Append(CultureInfo.InvariantCulture, $"-- {now.TakenAt:HH:mm:ss} up {now.Uptime:hh\\:mm\\:ss} io {(now.BatchedIo ? "batched" : "portable")}{(now.ServerName.Length > 0 ? " server \"" + now.ServerName + "\"" : string.Empty)}\n");
        foreach (var room in now.Rooms)
        {
            var before = previous?.Rooms.FirstOrDefault(r => r.Index == room.Index);
            double inRate = (room.PacketsIn - (before?.PacketsIn ?? 0)) / seconds;
            double outRate = (room.PacketsOut - (before?.PacketsOut ?? 0)) / seconds;
            s.Append(CultureInfo.InvariantCulture, $"room {room.Index} :{room.Port} jammers {room.Jammers}/{room.MaxJammers} eng {room.Engineers}{(room.Listeners > 0 ? $" listeners {room.Listeners}/{room.MaxListeners}" : string.Empty)} in {inRate:0}/s out {outRate:0}/s");
            var drops = room.Drops.Where(d => d.Value > 0).Select(d => $"{Short(d.Key)} {d.Value}").ToList();
            s.Append(drops.Count == 0 ? " drops 0" : " drops " + string.Join(", ", drops));
            if (room.RoomMix is { } mix)
            {
                s.Append(CultureInfo.InvariantCulture, $" | mix {(mix.ReaderConnected ? "reader" : "no reader")} written {mix.ChunksWritten} dropped {mix.ChunksDroppedFull + mix.ChunksDroppedNoReader}");
            }

            if (room.LoopFaults > 0)
            {
                s.Append(CultureInfo.InvariantCulture, $" FAULTS {room.LoopFaults}");
            }

            s.Append('\n');
            foreach (var slot in room.Slots)
            {
                var old = before?.Slots.FirstOrDefault(x => x.Slot == slot.Slot && x.Name == slot.Name && x.Connected <= slot.Connected);
                double slotIn = (slot.PacketsIn - (old?.PacketsIn ?? 0)) / seconds;
                double slotOut = (slot.PacketsOut - (old?.PacketsOut ?? 0)) / seconds;
                s.Append(CultureInfo.InvariantCulture, $"  {slot.Slot,2} {(slot.Role == SlotRole.Jammer ? "J" : slot.Role == SlotRole.Listener ? "L" : "E")} {Clip(slot.Name, 16),-16} {slot.Address,-21} in {slotIn,6:0}/s out {slotOut,6:0}/s");
                s.Append(CultureInfo.InvariantCulture, $" lost {slot.Lost} reord {slot.Reordered} jitter {slot.JitterMilliseconds:0.00} ms peak {Db(slot.PeakLeftDbfs)}/{Db(slot.PeakRightDbfs)}");
                if (slot.PersonalMix)
                {
                    s.Append(CultureInfo.InvariantCulture, $" mix under {slot.MixUnderruns} over {slot.MixOverruns}");
                }

                s.Append('\n');
            }
        }

        return s.ToString();
    }

    private static string Db(double dbfs) => double.IsNegativeInfinity(dbfs) ? "-inf" : dbfs.ToString("0", CultureInfo.InvariantCulture);

    private static string Clip(string s, int n) => s.Length <= n ? s : s[..n];

    private static string Short(DropReason r) => r switch
    {
        DropReason.BadHeader => "header",
        DropReason.NotMember => "stranger",
        DropReason.BadToken => "token",
        DropReason.AddressMismatch => "spoof",
        DropReason.RateLimited => "ratelimit",
        DropReason.BadJoin => "badjoin",
        DropReason.Malformed => "malformed",
        DropReason.EmptyDestination => "nodest",
        DropReason.NotAllowed => "notallowed",
        DropReason.AmplificationGuard => "amplify",
        DropReason.SendFailed => "sendfail",
        DropReason.ListenerAudio => "listener-audio",
        _ => r.ToString(),
    };
}

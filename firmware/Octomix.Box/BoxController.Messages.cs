using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// The link's side of the controller: its counters, which part each message it leaves goes to
    /// (what a command means in each state is <see cref="CommandHandler"/>'s), and what the
    /// heartbeat's Status says (<see cref="StatusReport"/>'s fields, the error the lights show).
    /// </summary>
    public sealed partial class BoxController
    {
        /// <summary>Datagrams that failed the header check, and well-formed ones the box has no use for.</summary>
        public long BadDatagrams
        {
            get { return link.BadDatagrams; }
        }

        public long IgnoredDatagrams
        {
            get { return link.IgnoredDatagrams; }
        }

        /// <summary>
        /// Engineer's commands refused because they failed authentication (no trailer, a wrong
        /// MAC: forged, whatever their source address). Also in every Status (refused commands).
        /// </summary>
        public long ForgedCommands
        {
            get { return link.ForgedCommands; }
        }

        /// <summary>Correctly signed commands seen again (a replay, or a retry of one acted on already): never acted on twice.</summary>
        public long ReplayedCommands
        {
            get { return link.ReplayedCommands; }
        }

        /// <summary>Round trip to the server from the last Status Ack, tenths of ms (0xFFFF unknown).</summary>
        public int RttTenthsMs
        {
            get { return link.RttTenthsMs; }
        }

        /// <summary>The server's name from its RoomInfo (empty until one arrives, or when the server has none).</summary>
        public string ServerName
        {
            get { return link.ServerName; }
        }

        /// <summary>
        /// What the link left for the box (see <see cref="RoomLink.Next"/>): the mix to the
        /// playout and the NACKs to the streamer here (the audio path, every block while jamming),
        /// everything else to the command handling (<see cref="CommandHandler"/>).
        /// </summary>
        private void Dispatch(MessageType type)
        {
            switch (type)
            {
                case MessageType.Audio:
                    AudioPacket packet = link.Audio;
                    audio.Playout.Put(packet.Timecode, link.Received, packet.PayloadOffset, packet.FrameCount);
                    break;
                case MessageType.Nack:
                    audio.Streamer.OnNack(link.Nack);
                    break;
                default:
                    commands.Handle(type, now);
                    break;
            }
        }

        /// <summary>The box's fields of the heartbeat's Status (<see cref="StatusReport"/>; the link adds its own and sends it).</summary>
        private void FillStatus(StatusMessage status)
        {
            int shown = errorCode != 0 ? errorCode : (now < flashUntil ? flashCode : (state == BoxState.Idle ? link.JoinRejectedCode : 0));
            statusReport.Fill(status, state, LatencyFrames, blockPosition, shown);
        }
    }
}

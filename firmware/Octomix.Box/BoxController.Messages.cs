using System;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// The link's side of the controller: its counters, which part each message it leaves goes to
    /// (what a command means in each state is <see cref="CommandHandler"/>'s), and the box's
    /// fields of the heartbeat's Status.
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
                    AudioPacket audio = link.Audio;
                    playout.Put(audio.Timecode, link.Received, audio.PayloadOffset, audio.FrameCount);
                    break;
                case MessageType.Nack:
                    streamer.OnNack(link.Nack);
                    break;
                default:
                    commands.Handle(type, now);
                    break;
            }
        }

        /// <summary>The box's fields of the heartbeat's Status (the link adds its own and sends it).</summary>
        private void FillStatus(StatusMessage status)
        {
            status.State = (byte)state;
            byte flags = 0;
            if (cardHealth.Mounted)
            {
                flags |= StatusFlags.SdCardOk;
            }

            if (cardHealth.FastEnough)
            {
                flags |= StatusFlags.SdFastEnough;
            }

            if (latency >= 0)
            {
                flags |= StatusFlags.Calibrated;
            }

            if (InTake)
            {
                flags |= StatusFlags.Recording;
            }

            if (cardHealth.Full)
            {
                flags |= StatusFlags.SdFull;
            }

            if (take.OverrunThisTake)
            {
                flags |= StatusFlags.CaptureOverrun;
            }

            if (streamer.IsStreaming)
            {
                flags |= StatusFlags.Streaming;
            }

            status.StatusFlags = flags;
            status.PeakDb0 = meter.PeakDb0;
            status.PeakDb1 = meter.PeakDb1;
            meter.Reset();
            status.LatencySamples = latency;
            long free = cardHealth.FreeBytes;
            if (free >= 0 && recorder.IsOpen)
            {
                free -= recorder.FramesSoFar * format.FrameBytes;
            }

            status.SdFreeMiB = free < 0 ? 0 : (uint)(free >> 20);
            status.CardFreeSeconds = cardHealth.Mounted ? StatusMessage.CardSeconds(free < 0 && cardHealth.FreeBytes >= 0 ? 0 : free, format.ByteRate) : StatusMessage.CardFreeUnknown;
            status.SdWriteKBps = cardHealth.WriteKBps;
            status.Underruns = playout.Underruns + stall.PipelineUnderruns;
            status.Overruns = stall.CaptureOverruns;
            status.TakeId = InTake ? take.CurrentTake : take.LastTake;
            status.Timecode = InTake ? take.Timeline.TakeIndexAt(blockPosition) : blockPosition;
            status.ErrorCode = (byte)(errorCode != 0 ? errorCode : (now < flashUntil ? flashCode : (state == BoxState.Idle ? link.JoinRejectedCode : 0)));
            int bufferMs = playout.BufferedFrames * 1000 / format.SampleRate;
            status.BufferMilliseconds = (byte)(bufferMs > 255 ? 255 : bufferMs);
        }
    }
}

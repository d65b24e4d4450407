using System;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// Sends the captured audio as timecoded Audio packets and keeps the last few seconds of them
    /// for NACKs. The packets are built directly in the slots of a ring allocated once: the
    /// header is written into a slot the first time the slot is used in a stream and afterwards
    /// only the sequence and timecode are stamped (12 bytes), the payload is one Array.Copy from
    /// the capture block, and the slot is sent as it is. A retransmission sends the same slot
    /// with the Retransmission flag set — no copy, same sequence number.
    /// </summary>
    public sealed class AudioStreamer
    {
        /// <summary>NACK ranges waiting to be served (more are dropped: the engineer asks again).</summary>
        public const int MaxPendingRanges = 64;

        private readonly byte[][] slots;
        private readonly uint[] slotSequence;
        private readonly int[] slotEpoch;
        private readonly int slotLength;
        private readonly int payloadBytes;
        private readonly AudioPacket template = new AudioPacket();
        private readonly uint[] pendingStart = new uint[MaxPendingRanges];
        private readonly int[] pendingCount = new int[MaxPendingRanges];
        private int pendingHead;
        private int pendingSize;
        private int epoch;
        private uint nextSequence;
        private bool anySent;

        /// <param name="format">Format of the capture blocks.</param>
        /// <param name="blockFrames">Frames per capture block; split into equal packets that fit a datagram.</param>
        /// <param name="ringSeconds">Seconds of packets kept for retransmission.</param>
        /// <param name="firstSequence">Start of the sequence numbers (random per boot, like message ids).</param>
        public AudioStreamer(PcmFormat format, int blockFrames, int ringSeconds, uint firstSequence)
        {
            int sampleFormat = SampleFormats.FromBytesPerSample(format.BytesPerSample);
            int maxFrames = AudioPacket.MaxFrames(format.Channels, sampleFormat);
            int packets = 1;
            while (blockFrames / packets > maxFrames || blockFrames % packets != 0)
            {
                packets++;
                if (packets > blockFrames)
                {
                    throw new ArgumentException("a block of " + blockFrames + " frames cannot be split into packets");
                }
            }

            PacketsPerBlock = packets;
            FramesPerPacket = blockFrames / packets;
            payloadBytes = FramesPerPacket * format.FrameBytes;
            slotLength = AudioPacket.HeaderLength + payloadBytes;
            long perSecond = (format.SampleRate + FramesPerPacket - 1) / FramesPerPacket;
            int count = (int)(perSecond * (ringSeconds < 1 ? 1 : ringSeconds));
            count = ((count + packets - 1) / packets) * packets; // whole blocks
            slots = new byte[count][];
            for (int i = 0; i < count; i++)
            {
                slots[i] = new byte[slotLength];
            }

            slotSequence = new uint[count];
            slotEpoch = new int[count];
            template.Channels = format.Channels;
            template.Format = (byte)sampleFormat;
            template.FrameCount = FramesPerPacket;
            nextSequence = firstSequence;
        }

        public int FramesPerPacket { get; }

        public int PacketsPerBlock { get; }

        /// <summary>Packets the ring holds.</summary>
        public int SlotCount
        {
            get { return slots.Length; }
        }

        public bool IsStreaming { get; private set; }

        public uint TakeId
        {
            get { return template.TakeId; }
        }

        public byte Destination
        {
            get { return template.DestinationSlot; }
        }

        public long PacketsSent { get; private set; }

        public long SendFailures { get; private set; }

        public long Retransmitted { get; private set; }

        /// <summary>Packets asked for that had already left the ring (or were never sent).</summary>
        public long NackMisses { get; private set; }

        /// <summary>The sequence number the next packet gets.</summary>
        public uint NextSequence
        {
            get { return nextSequence; }
        }

        /// <summary>
        /// Starts a stream: take id (0 = jamming), destination (<see cref="Slot.Engineers"/> for a
        /// take, <see cref="Slot.Everyone"/> for jamming), the session token and slot from Accept.
        /// Earlier packets stay in the ring for NACKs until they are overwritten.
        /// </summary>
        public void Begin(uint takeId, byte destination, uint token, byte sourceSlot)
        {
            template.TakeId = takeId;
            template.DestinationSlot = destination;
            template.Token = token;
            template.SourceSlot = sourceSlot;
            template.Flags = 0;
            epoch++;
            IsStreaming = true;
        }

        /// <summary>A rejoin gave another slot or token: packets from now on carry them (the stream goes on).</summary>
        public void SetIdentity(uint token, byte sourceSlot)
        {
            template.Token = token;
            template.SourceSlot = sourceSlot;
        }

        public void End()
        {
            IsStreaming = false;
        }

        /// <summary>Sends one capture block as <see cref="PacketsPerBlock"/> packets, the first frame at <paramref name="timecode"/>.</summary>
        public void SendBlock(byte[] block, int offset, long timecode, IDatagramSender socket)
        {
            if (!IsStreaming)
            {
                return;
            }

            for (int p = 0; p < PacketsPerBlock; p++)
            {
                uint sequence = nextSequence++;
                int s = (int)(sequence % (uint)slots.Length);
                byte[] slot = slots[s];
                if (slotEpoch[s] != epoch)
                {
                    template.WriteHeader(slot, 0);
                    slotEpoch[s] = epoch;
                }

                AudioPacket.StampSequenceAndTimecode(slot, 0, sequence, timecode + ((long)p * FramesPerPacket));
                Array.Copy(block, offset + (p * payloadBytes), slot, AudioPacket.HeaderLength, payloadBytes);
                slotSequence[s] = sequence;
                anySent = true;
                if (socket.Send(slot, 0, slotLength))
                {
                    PacketsSent++;
                }
                else
                {
                    SendFailures++;
                }
            }
        }

        /// <summary>Queues the ranges of a NACK (served a few packets per loop iteration by <see cref="ServeNacks"/>).</summary>
        public void OnNack(NackMessage nack)
        {
            for (int i = 0; i < nack.RangeCount; i++)
            {
                uint start = nack.RangeStart(i);
                int count = nack.RangeLength(i);

                // Clip to what the ring can still hold, so serving never walks 65535 misses.
                uint newest = nextSequence - 1;
                uint oldest = nextSequence - (uint)slots.Length;
                if (!anySent || (int)(start - nextSequence) >= 0)
                {
                    NackMisses += count;
                    continue;
                }

                if ((int)(start - oldest) < 0)
                {
                    int behind = (int)(oldest - start);
                    if (behind >= count)
                    {
                        NackMisses += count;
                        continue;
                    }

                    NackMisses += behind;
                    start = oldest;
                    count -= behind;
                }

                int available = (int)(newest - start) + 1;
                if (count > available)
                {
                    NackMisses += count - available;
                    count = available;
                }

                if (pendingSize == MaxPendingRanges)
                {
                    NackMisses += count;
                    continue;
                }

                int at = (pendingHead + pendingSize) % MaxPendingRanges;
                pendingStart[at] = start;
                pendingCount[at] = count;
                pendingSize++;
            }
        }

        /// <summary>Re-sends up to <paramref name="maxPackets"/> asked-for packets from the ring. Returns how many were sent.</summary>
        public int ServeNacks(IDatagramSender socket, int maxPackets)
        {
            int sent = 0;
            while (pendingSize > 0 && sent < maxPackets)
            {
                uint sequence = pendingStart[pendingHead];
                pendingStart[pendingHead] = sequence + 1;
                pendingCount[pendingHead]--;
                if (pendingCount[pendingHead] == 0)
                {
                    pendingHead = (pendingHead + 1) % MaxPendingRanges;
                    pendingSize--;
                }

                int s = (int)(sequence % (uint)slots.Length);
                if (slotSequence[s] != sequence || slotEpoch[s] == 0)
                {
                    NackMisses++;
                    continue;
                }

                byte[] slot = slots[s];
                slot[10] = AudioFlags.Retransmission;
                socket.Send(slot, 0, slotLength);
                slot[10] = 0;
                Retransmitted++;
                sent++;
            }

            return sent;
        }

        /// <summary>NACKed packets still waiting to be re-sent.</summary>
        public int PendingRetransmissions
        {
            get
            {
                int n = 0;
                for (int i = 0; i < pendingSize; i++)
                {
                    n += pendingCount[(pendingHead + i) % MaxPendingRanges];
                }

                return n;
            }
        }

        /// <summary>The ring slot holding <paramref name="sequence"/> (tests and diagnostics), or null when it is gone.</summary>
        public byte[] SlotFor(uint sequence, out int length)
        {
            length = slotLength;
            int s = (int)(sequence % (uint)slots.Length);
            return anySent && slotSequence[s] == sequence && slotEpoch[s] != 0 ? slots[s] : null;
        }
    }
}

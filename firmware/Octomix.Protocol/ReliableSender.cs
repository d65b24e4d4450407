using System;

namespace Octomix.Protocol
{
    /// <summary>
    /// The sending half of reliable delivery: keeps a copy of each control datagram until its
    /// acknowledgement arrives, re-sends it every retry interval and gives up after a number of
    /// attempts (reported through <see cref="TryTakeFailure"/>). Fixed capacity, buffers
    /// allocated once; one owner (the audio loop on the box, the console's network loop).
    /// <para>
    /// A command that starts something "this long after receiving" (Record's and PlaybackStart's
    /// start delay, <see cref="StartDelayOffset"/>) keeps its instant across retries: each retry
    /// carries the delay less the time since the first attempt (never below 0). Without that, a
    /// box whose first Record was lost started its take a whole retry interval after the others,
    /// and the console's monitor heard that box late by as much for the whole take.
    /// </para>
    /// </summary>
    public sealed class ReliableSender
    {
        private readonly byte[][] datagrams;
        private readonly int[] lengths;
        private readonly uint[] ids;
        private readonly byte[] destinations;
        private readonly long[] nextDueMicros;
        private readonly int[] attempts;
        private readonly long[] firstSentMicros;
        private readonly int[] startDelays;
        private readonly bool[] used;
        private readonly long retryMicros;
        private readonly int maxAttempts;

        private readonly uint[] failedIds;
        private readonly byte[] failedTypes;
        private readonly byte[] failedDestinations;
        private int failedCount;
        private uint nextId;

        /// <param name="capacity">Messages that may be outstanding at once.</param>
        /// <param name="retryIntervalMicroseconds">Time between attempts.</param>
        /// <param name="maxAttempts">Attempts (the first send included) before giving up.</param>
        /// <param name="firstMessageId">Start of this sender's ids: pick it at random so a restarted sender is not mistaken for a duplicate.</param>
        public ReliableSender(int capacity, long retryIntervalMicroseconds, int maxAttempts, uint firstMessageId)
        {
            if (capacity < 1 || retryIntervalMicroseconds < 1 || maxAttempts < 1)
            {
                throw new ArgumentOutOfRangeException("capacity");
            }

            datagrams = new byte[capacity][];
            for (int i = 0; i < capacity; i++)
            {
                datagrams[i] = new byte[ProtocolConstants.MaxDatagram];
            }

            lengths = new int[capacity];
            ids = new uint[capacity];
            destinations = new byte[capacity];
            nextDueMicros = new long[capacity];
            attempts = new int[capacity];
            firstSentMicros = new long[capacity];
            startDelays = new int[capacity];
            used = new bool[capacity];
            failedIds = new uint[capacity];
            failedTypes = new byte[capacity];
            failedDestinations = new byte[capacity];
            retryMicros = retryIntervalMicroseconds;
            this.maxAttempts = maxAttempts;
            nextId = firstMessageId == 0 ? 1 : firstMessageId;
        }

        /// <summary>Messages sent and not yet acknowledged.</summary>
        public int Outstanding
        {
            get
            {
                int n = 0;
                for (int i = 0; i < used.Length; i++)
                {
                    if (used[i])
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        /// <summary>Total re-sends so far (a link-health figure).</summary>
        public int Retries { get; private set; }

        /// <summary>A fresh message id (never 0).</summary>
        public uint NextMessageId()
        {
            uint id = nextId++;
            if (nextId == 0)
            {
                nextId = 1;
            }

            return id;
        }

        /// <summary>
        /// Sends an encoded control datagram now and keeps it for retries. The message id is
        /// read from the datagram (offset 12). False when every slot is taken (nothing is sent).
        /// </summary>
        public bool Send(byte[] datagram, int offset, int length, IDatagramSender sender, long nowMicroseconds)
        {
            if (length < 16 || length > ProtocolConstants.MaxDatagram)
            {
                throw new ArgumentException("not a control datagram");
            }

            int slot = -1;
            for (int i = 0; i < used.Length; i++)
            {
                if (!used[i])
                {
                    slot = i;
                    break;
                }
            }

            if (slot < 0)
            {
                return false;
            }

            Array.Copy(datagram, offset, datagrams[slot], 0, length);
            lengths[slot] = length;
            ids[slot] = ControlMessage.ReadMessageId(datagram, offset);
            destinations[slot] = Message.ReadDestinationSlot(datagram, offset);
            attempts[slot] = 1;
            firstSentMicros[slot] = nowMicroseconds;
            int delayAt = StartDelayOffset(datagram[offset + 3]);
            startDelays[slot] = delayAt > 0 && length >= delayAt + 2 ? WireFormat.ReadU16(datagram, offset + delayAt) : -1;
            nextDueMicros[slot] = nowMicroseconds + retryMicros;
            used[slot] = true;
            sender.Send(datagrams[slot], 0, length);
            return true;
        }

        /// <summary>
        /// An acknowledgement (Ack, Accept, Reject or FileInfo) for <paramref name="messageId"/>
        /// arrived from <paramref name="fromSlot"/>. True when it matched an outstanding message.
        /// A message sent to the server or to "engineers" accepts the answer from any source.
        /// </summary>
        public bool Acknowledge(uint messageId, byte fromSlot)
        {
            for (int i = 0; i < used.Length; i++)
            {
                if (used[i] && ids[i] == messageId
                    && (destinations[i] == fromSlot || destinations[i] == Slot.Server || destinations[i] == Slot.Engineers || destinations[i] == Slot.Everyone))
                {
                    used[i] = false;
                    return true;
                }
            }

            return false;
        }

        /// <summary>True while <paramref name="messageId"/> waits for its acknowledgement.</summary>
        public bool IsOutstanding(uint messageId)
        {
            for (int i = 0; i < used.Length; i++)
            {
                if (used[i] && ids[i] == messageId)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Forgets every outstanding message (after leaving a room: tokens are void).</summary>
        public void Clear()
        {
            for (int i = 0; i < used.Length; i++)
            {
                used[i] = false;
            }

            failedCount = 0;
        }

        /// <summary>Re-sends what is due; moves messages out of attempts to the failure list. Call often.</summary>
        public void Poll(long nowMicroseconds, IDatagramSender sender)
        {
            for (int i = 0; i < used.Length; i++)
            {
                if (!used[i] || nowMicroseconds < nextDueMicros[i])
                {
                    continue;
                }

                if (attempts[i] >= maxAttempts)
                {
                    used[i] = false;
                    if (failedCount < failedIds.Length)
                    {
                        failedIds[failedCount] = ids[i];
                        failedTypes[failedCount] = datagrams[i][3];
                        failedDestinations[failedCount] = destinations[i];
                        failedCount++;
                    }

                    continue;
                }

                attempts[i]++;
                Retries++;
                nextDueMicros[i] = nowMicroseconds + retryMicros;
                if (startDelays[i] >= 0)
                {
                    WireFormat.WriteU16(datagrams[i], StartDelayOffset(datagrams[i][3]), RemainingDelay(startDelays[i], nowMicroseconds - firstSentMicros[i]));
                }

                sender.Send(datagrams[i], 0, lengths[i]);
            }
        }

        /// <summary>
        /// Where a message type carries a start delay (ms, u16, "begin this long after
        /// receiving"): Record at 30, PlaybackStart at 20 (docs/protocol.md); 0 for the others.
        /// </summary>
        public static int StartDelayOffset(byte type)
        {
            if (type == (byte)MessageType.Record)
            {
                return 30;
            }

            return type == (byte)MessageType.PlaybackStart ? 20 : 0;
        }

        /// <summary>The start delay a retry carries: the first attempt's less the time since it, whole milliseconds, never below 0.</summary>
        public static int RemainingDelay(int firstDelayMilliseconds, long sinceFirstMicroseconds)
        {
            long remaining = firstDelayMilliseconds - ((sinceFirstMicroseconds + 999) / 1000);
            return remaining > 0 ? (int)remaining : 0;
        }

        /// <summary>Takes one message that was never acknowledged, oldest first.</summary>
        public bool TryTakeFailure(out uint messageId, out MessageType type, out byte destination)
        {
            if (failedCount == 0)
            {
                messageId = 0;
                type = 0;
                destination = 0;
                return false;
            }

            messageId = failedIds[0];
            type = (MessageType)failedTypes[0];
            destination = failedDestinations[0];
            failedCount--;
            for (int i = 0; i < failedCount; i++)
            {
                failedIds[i] = failedIds[i + 1];
                failedTypes[i] = failedTypes[i + 1];
                failedDestinations[i] = failedDestinations[i + 1];
            }

            return true;
        }
    }
}

using System;

namespace Octomix.Protocol
{
    /// <summary>
    /// The receiving half of reliable delivery: remembers the last message ids handled per
    /// source (slot + session token) with the response that was sent, so a retry is answered
    /// with the same response and its work is not done twice (a second Record must not start a
    /// second take). Fixed memory, allocated once.
    /// </summary>
    public sealed class DuplicateFilter
    {
        /// <summary>Sources: jammer slots 0..15, engineer slots 16..19, and the server.</summary>
        private const int Sources = Slot.FirstEngineer + Slot.MaxEngineers + 1;

        private readonly int history;
        private readonly uint[] tokens = new uint[Sources];
        private readonly uint[] ids;
        private readonly bool[] valid;
        private readonly int[] next = new int[Sources];
        private readonly byte[][] responses;
        private readonly int[] responseLengths;

        /// <param name="historyPerSource">Message ids remembered per source.</param>
        /// <param name="maxResponseBytes">Largest response kept for replay (bigger ones are not replayed, only deduplicated).</param>
        public DuplicateFilter(int historyPerSource, int maxResponseBytes)
        {
            if (historyPerSource < 1 || maxResponseBytes < 0)
            {
                throw new ArgumentOutOfRangeException("historyPerSource");
            }

            history = historyPerSource;
            ids = new uint[Sources * history];
            valid = new bool[Sources * history];
            responses = new byte[Sources * history][];
            responseLengths = new int[Sources * history];
            for (int i = 0; i < responses.Length; i++)
            {
                responses[i] = new byte[maxResponseBytes];
            }
        }

        /// <summary>
        /// True when this message was handled before: <paramref name="entry"/> then names the
        /// remembered response (<see cref="ResponseLength"/> may be 0 when none was recorded).
        /// A new token for a source (it re-joined) forgets that source's history.
        /// </summary>
        public bool IsDuplicate(byte sourceSlot, uint token, uint messageId, out int entry)
        {
            entry = -1;
            int s = SourceIndex(sourceSlot);
            if (s < 0)
            {
                return false;
            }

            if (tokens[s] != token)
            {
                tokens[s] = token;
                for (int i = 0; i < history; i++)
                {
                    valid[(s * history) + i] = false;
                }

                return false;
            }

            for (int i = 0; i < history; i++)
            {
                int e = (s * history) + i;
                if (valid[e] && ids[e] == messageId)
                {
                    entry = e;
                    return true;
                }
            }

            return false;
        }

        /// <summary>Records that the message was handled and what was answered (length 0: nothing to replay).</summary>
        public void Remember(byte sourceSlot, uint token, uint messageId, byte[] response, int offset, int length)
        {
            int s = SourceIndex(sourceSlot);
            if (s < 0)
            {
                return;
            }

            if (tokens[s] != token)
            {
                int dummy;
                IsDuplicate(sourceSlot, token, messageId, out dummy);
            }

            int e = (s * history) + next[s];
            next[s] = (next[s] + 1) % history;
            ids[e] = messageId;
            valid[e] = true;
            if (response != null && length > 0 && length <= responses[e].Length)
            {
                Array.Copy(response, offset, responses[e], 0, length);
                responseLengths[e] = length;
            }
            else
            {
                responseLengths[e] = 0;
            }
        }

        public byte[] ResponseBuffer(int entry)
        {
            return responses[entry];
        }

        public int ResponseLength(int entry)
        {
            return responseLengths[entry];
        }

        private static int SourceIndex(byte slot)
        {
            if (slot < Slot.FirstEngineer + Slot.MaxEngineers)
            {
                return slot;
            }

            return slot == Slot.Server ? Sources - 1 : -1;
        }
    }
}

namespace Octomix.Protocol
{
    /// <summary>What <see cref="CommandVerifier.Verify"/> found.</summary>
    public static class CommandCheck
    {
        /// <summary>Signed with the key, sequence not seen before: act on it.</summary>
        public const byte Fresh = 0;

        /// <summary>Signed with the key, but the sequence was seen already or is older than the window: do not act on it again.</summary>
        public const byte Replayed = 1;

        /// <summary>No key yet, no trailer, a wrong MAC, or not from an engineer slot: ignore it.</summary>
        public const byte Forged = 2;
    }

    /// <summary>
    /// The box's end of command authentication: the key of its current join, and a 64-entry
    /// sliding replay window per engineer slot (the source slot is inside the MAC). A sequence
    /// is accepted once; one more than 63 below the highest seen from that slot is refused as
    /// old. A new key (a new join) starts every window afresh. Fixed memory, allocation-free.
    /// </summary>
    public sealed class CommandVerifier
    {
        /// <summary>Sequences remembered below the highest one, per engineer slot.</summary>
        public const int Window = 64;

        private readonly ulong[] highest = new ulong[Slot.MaxEngineers];
        private readonly ulong[] seen = new ulong[Slot.MaxEngineers];
        private readonly bool[] started = new bool[Slot.MaxEngineers];
        private ulong k0;
        private ulong k1;
        private bool hasKey;

        public bool HasKey
        {
            get { return hasKey; }
        }

        /// <summary>Commands refused as forged (bad MAC, no trailer, no key, not an engineer) since this verifier was made.</summary>
        public long Forged { get; private set; }

        /// <summary>Correctly signed commands refused as repeats (a replay, or a retry of one already acted on).</summary>
        public long Replayed { get; private set; }

        public long Accepted { get; private set; }

        /// <summary>The key of a new join; forgets every sequence seen under the old one.</summary>
        public void SetKey(ulong key0, ulong key1)
        {
            k0 = key0;
            k1 = key1;
            hasKey = true;
            for (int i = 0; i < started.Length; i++)
            {
                started[i] = false;
                highest[i] = 0;
                seen[i] = 0;
            }
        }

        /// <summary>Derives and sets the key of a join (<see cref="CommandAuth.DeriveKey"/>).</summary>
        public void SetJoin(string joinCode, ulong boxId, uint joinMessageId)
        {
            ulong a;
            ulong b;
            CommandAuth.DeriveKey(joinCode, boxId, joinMessageId, out a, out b);
            SetKey(a, b);
        }

        /// <summary>Out of the room: every command is refused until the next key.</summary>
        public void ClearKey()
        {
            hasKey = false;
        }

        /// <summary>
        /// Checks a signed datagram of <paramref name="count"/> bytes (trailer included) and, when
        /// it is fresh, marks its sequence as seen. Returns a <see cref="CommandCheck"/> value.
        /// </summary>
        public byte Verify(byte[] buffer, int offset, int count)
        {
            if (!hasKey || !CommandAuth.HasValidMac(buffer, offset, count, k0, k1))
            {
                Forged++;
                return CommandCheck.Forged;
            }

            int source = buffer[offset + 8];
            if (!Slot.IsEngineer(source))
            {
                Forged++;
                return CommandCheck.Forged;
            }

            int s = source - Slot.FirstEngineer;
            ulong sequence = CommandAuth.ReadSequence(buffer, offset, count);
            if (!started[s])
            {
                started[s] = true;
                highest[s] = sequence;
                seen[s] = 1;
            }
            else if (sequence > highest[s])
            {
                ulong shift = sequence - highest[s];
                seen[s] = shift >= Window ? 1UL : (seen[s] << (int)shift) | 1UL;
                highest[s] = sequence;
            }
            else
            {
                ulong behind = highest[s] - sequence;
                ulong bit = behind < Window ? 1UL << (int)behind : 0;
                if (bit == 0 || (seen[s] & bit) != 0)
                {
                    Replayed++;
                    return CommandCheck.Replayed;
                }

                seen[s] |= bit;
            }

            Accepted++;
            return CommandCheck.Fresh;
        }
    }
}

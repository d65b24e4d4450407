using System;

namespace Octomix.Box
{
    /// <summary>
    /// Received audio (the server's personal mix while jamming, the engineer's playback) on its
    /// way to the click DAC: a ring of PCM placed by the packets' timecodes, played one block per
    /// loop iteration a start delay behind the first packet. Allocated once; no per-sample work
    /// (one or two Array.Copy per packet and per block).
    /// <para>
    /// Policies (stated, not accidental): a packet older than the play position is dropped
    /// (<see cref="Late"/>); a block whose audio has not fully arrived plays as silence and the
    /// play position waits (<see cref="Underruns"/>, the delay grows by a block); a packet too far
    /// ahead for the ring moves the play position forward (<see cref="Overflows"/>); a timecode
    /// jump larger than the ring (a new stream) starts over. Gaps inside the ring play as silence.
    /// Duplicates simply overwrite the same frames.
    /// </para>
    /// </summary>
    public sealed class PlayoutBuffer
    {
        private readonly byte[] ring;
        private readonly int capacityFrames;
        private readonly int frameBytes;
        private int depthFrames;
        private bool running;
        private bool primed;
        private long playPosition;
        private long highest;

        public PlayoutBuffer(int capacityFrames, int frameBytes)
        {
            if (capacityFrames < 1 || frameBytes < 1)
            {
                throw new ArgumentOutOfRangeException("capacityFrames");
            }

            this.capacityFrames = capacityFrames;
            this.frameBytes = frameBytes;
            ring = new byte[capacityFrames * frameBytes];
        }

        public int CapacityFrames
        {
            get { return capacityFrames; }
        }

        public bool IsRunning
        {
            get { return running; }
        }

        public int Underruns { get; private set; }

        public int Overflows { get; private set; }

        public int Late { get; private set; }

        /// <summary>Frames received ahead of the play position.</summary>
        public int BufferedFrames
        {
            get
            {
                long d = primed ? highest - playPosition : 0;
                return d < 0 ? 0 : (int)d;
            }
        }

        /// <summary>Starts (or restarts) playing: the first packet will play <paramref name="delayFrames"/> after it arrives.</summary>
        public void Start(int delayFrames)
        {
            if (delayFrames < 0)
            {
                delayFrames = 0;
            }

            if (delayFrames > capacityFrames / 2)
            {
                delayFrames = capacityFrames / 2;
            }

            depthFrames = delayFrames;
            running = true;
            primed = false;
            Array.Clear(ring, 0, ring.Length);
        }

        public void Stop()
        {
            running = false;
            primed = false;
        }

        /// <summary>Places <paramref name="frames"/> frames whose first frame has <paramref name="timecode"/>.</summary>
        public void Put(long timecode, byte[] source, int offset, int frames)
        {
            if (!running || frames <= 0)
            {
                return;
            }

            if (!primed || timecode + frames < playPosition - capacityFrames || timecode > playPosition + (2L * capacityFrames))
            {
                // first packet, or a jump no ring can bridge: a new stream
                Array.Clear(ring, 0, ring.Length);
                playPosition = timecode - depthFrames;
                highest = timecode;
                primed = true;
            }

            if (timecode + frames <= playPosition)
            {
                Late++;
                return;
            }

            if (timecode < playPosition)
            {
                int skip = (int)(playPosition - timecode);
                offset += skip * frameBytes;
                frames -= skip;
                timecode = playPosition;
            }

            if (timecode + frames - playPosition > capacityFrames)
            {
                Overflows++;
                // play on as if this packet were the first of a stream: it lands depthFrames ahead
                long newPlay = timecode - depthFrames;
                long skipped = newPlay - playPosition;
                ClearRange(playPosition, skipped > capacityFrames ? capacityFrames : (int)skipped);
                playPosition = newPlay;
            }

            CopyIn(timecode, source, offset, frames);
            if (timecode + frames > highest)
            {
                highest = timecode + frames;
            }
        }

        /// <summary>Writes one block to <paramref name="block"/>: the audio due now, or silence.</summary>
        public void Read(byte[] block, int offset, int frames)
        {
            if (!running || !primed)
            {
                Array.Clear(block, offset, frames * frameBytes);
                return;
            }

            if (highest < playPosition + frames)
            {
                Underruns++;
                Array.Clear(block, offset, frames * frameBytes);
                return;
            }

            int start = Index(playPosition);
            int first = capacityFrames - start;
            if (first >= frames)
            {
                Array.Copy(ring, start * frameBytes, block, offset, frames * frameBytes);
                Array.Clear(ring, start * frameBytes, frames * frameBytes);
            }
            else
            {
                Array.Copy(ring, start * frameBytes, block, offset, first * frameBytes);
                Array.Copy(ring, 0, block, offset + (first * frameBytes), (frames - first) * frameBytes);
                Array.Clear(ring, start * frameBytes, first * frameBytes);
                Array.Clear(ring, 0, (frames - first) * frameBytes);
            }

            playPosition += frames;
        }

        private void CopyIn(long timecode, byte[] source, int offset, int frames)
        {
            int start = Index(timecode);
            int first = capacityFrames - start;
            if (first >= frames)
            {
                Array.Copy(source, offset, ring, start * frameBytes, frames * frameBytes);
            }
            else
            {
                Array.Copy(source, offset, ring, start * frameBytes, first * frameBytes);
                Array.Copy(source, offset + (first * frameBytes), ring, 0, (frames - first) * frameBytes);
            }
        }

        private void ClearRange(long from, int frames)
        {
            if (frames <= 0)
            {
                return;
            }

            int start = Index(from);
            int first = capacityFrames - start;
            if (first >= frames)
            {
                Array.Clear(ring, start * frameBytes, frames * frameBytes);
            }
            else
            {
                Array.Clear(ring, start * frameBytes, first * frameBytes);
                Array.Clear(ring, 0, (frames - first) * frameBytes);
            }
        }

        private int Index(long timecode)
        {
            long m = timecode % capacityFrames;
            return (int)(m < 0 ? m + capacityFrames : m);
        }
    }
}

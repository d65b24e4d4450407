namespace Octomix.Box
{
    /// <summary>
    /// Where a take sits on the loop's frame counter. Take index 0 is the downbeat after the
    /// count-in on every box; the count-in is [-CountIn, 0); before it, a fixed pre-roll of half a
    /// second of silence. The file and the stream start at the take index
    /// <c>F = -CountIn - PreRoll + L</c> (L = this box's measured round trip), so that
    /// <c>F - L = -CountIn - PreRoll</c> is the same musical instant on every box: sample j of
    /// every box's file is the same moment, and the bext TimeReference
    /// <c>origin + F - L</c> is identical on every card. Nothing is trimmed: the audio is as
    /// captured, the placement is in the metadata.
    /// <para>
    /// The loop position where F falls (<see cref="FilePosition"/>) is a block boundary, chosen
    /// at least the start delay after the Record command arrived, so the recorder and the
    /// streamer only ever see whole blocks. The output block and the capture block of one loop
    /// iteration carry the same position, which is what makes L (measured the same way) the
    /// delay of a note played on the click.
    /// </para>
    /// </summary>
    public sealed class TakeTimeline
    {
        public uint TakeId { get; private set; }

        /// <summary>Take index of the first frame of the file and the stream.</summary>
        public long FirstSampleIndex { get; private set; }

        /// <summary>Loop position of <see cref="FirstSampleIndex"/> (a block boundary).</summary>
        public long FilePosition { get; private set; }

        public int LatencyFrames { get; private set; }

        public long CountInFrames { get; private set; }

        public int PreRollFrames { get; private set; }

        /// <summary>Samples since midnight of take index 0 (from Record).</summary>
        public long OriginSamples { get; private set; }

        /// <summary>True when the click keeps going after the count-in.</summary>
        public bool ClickDuringTake { get; private set; }

        public int SampleRate { get; private set; }

        public bool IsSet { get; private set; }

        /// <summary>Fixes the timeline of a new take (see the class comment for the arithmetic).</summary>
        public void Set(uint takeId, long countInFrames, int preRollFrames, int latencyFrames, long filePosition,
            long originSamples, bool clickDuringTake, int sampleRate)
        {
            TakeId = takeId;
            CountInFrames = countInFrames;
            PreRollFrames = preRollFrames;
            LatencyFrames = latencyFrames;
            FirstSampleIndex = -countInFrames - preRollFrames + latencyFrames;
            FilePosition = filePosition;
            OriginSamples = originSamples;
            ClickDuringTake = clickDuringTake;
            SampleRate = sampleRate;
            IsSet = true;
        }

        /// <summary>Take index of the frame at loop position <paramref name="position"/>.</summary>
        public long TakeIndexAt(long position)
        {
            return position - FilePosition + FirstSampleIndex;
        }

        /// <summary>First take index that clicks (the first count-in beat).</summary>
        public long ClickStart
        {
            get { return -CountInFrames; }
        }

        /// <summary>
        /// The bext TimeReference: origin + F - L = origin - CountIn - PreRoll, in samples since
        /// midnight, wrapped into one day (a take starting just after midnight would otherwise be
        /// negative, and the field is unsigned).
        /// </summary>
        public long TimeReference
        {
            get
            {
                long day = 86400L * SampleRate;
                long t = OriginSamples + FirstSampleIndex - LatencyFrames;
                t %= day;
                return t < 0 ? t + day : t;
            }
        }
    }
}

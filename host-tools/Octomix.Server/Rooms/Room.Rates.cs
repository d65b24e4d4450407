using System.Diagnostics;
using Octomix.Protocol;
using Octomix.Dsp;
using Octomix.Server.Mixing;

namespace Octomix.Server.Rooms;

/// <summary>
/// Members at another sample rate than the room's (a 44.1 kHz member in a 48 kHz room): their
/// jam stream is resampled to the room rate once, as it arrives (<see cref="PolyphaseResampler"/>),
/// and that converted stream feeds the mixes and the members that joined with
/// <see cref="JoinCapabilities.WantsRoomRate"/>; everyone else gets the packets untouched. A
/// personal mix for such a member is made at the room rate and resampled to the member's rate.
/// Resamplers are made at Join; the packet path allocates nothing.
/// </summary>
internal sealed unsafe partial class Room
{
    public const int MinSampleRate = 8000;
    public const int MaxSampleRate = 192000;

    /// <summary>A gap in an off-rate stream up to this long is resampled as silence; a longer one restarts the conversion.</summary>
    private const int MaxConvertGapFrames = 2048;

    private static readonly short[] SilenceFrames = new short[MaxConvertGapFrames * 2];

    // an off-rate packet as s16 (1 or 2 channels), its conversion, and a personal mix before resampling
    private readonly short[] convertIn = new short[AudioPacket.MaxPayload];
    private short[] convertOut = new short[2 * 4096];
    private readonly short[] rateMix = new short[AudioPacket.MaxPayload * 2];
    private readonly short[] rateMixOut = new short[AudioPacket.MaxPayload * 2];

    private bool RateSupported(int rate)
        => rate == options.SampleRate
           || (rate >= MinSampleRate && rate <= MaxSampleRate
               && PolyphaseResampler.Supports(rate, options.SampleRate) && PolyphaseResampler.Supports(options.SampleRate, rate));

    /// <summary>At Join: the member's rate, and its resamplers when it is not the room's.</summary>
    private void SetUpRate(SlotState s, int rate)
    {
        s.SampleRate = rate;
        s.SamplesPerTick = (double)rate / Stopwatch.Frequency;
        s.Converting = false;
        s.ConvertLate = 0;
        if (rate == options.SampleRate)
        {
            s.InResampler = null;
            s.OutResampler = null;
            return;
        }

        int channels = s.Channels == 1 ? 1 : 2;
        if (s.InResampler == null || s.InResampler.InputRate != rate || s.InResampler.Channels != channels)
        {
            s.InResampler = new PolyphaseResampler(rate, options.SampleRate, channels, MaxConvertGapFrames);
        }

        if (s.OutResampler == null || s.OutResampler.OutputRate != rate)
        {
            s.OutResampler = new PolyphaseResampler(options.SampleRate, rate, 2, AudioPacket.MaxPayload);
        }

        s.InResampler.Reset();
        s.OutResampler.Reset();
        int need = s.InResampler.MaxOutputFor(MaxConvertGapFrames) * channels;
        if (convertOut.Length < need)
        {
            convertOut = new short[need];
        }
    }

    /// <summary>Whether any member that wants the room rate would receive <paramref name="from"/>'s jam stream.</summary>
    private bool AnyRoomRateWanter(SlotState from)
    {
        var slots = table.Slots;
        for (int t = 0; t < slots.Length; t++)
        {
            var to = slots[t];
            if (to.Occupied && t != from.Index && (to.Capabilities & JoinCapabilities.WantsRoomRate) != 0 && WantsForwardedStreams(to) && !to.RtJam)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// One jam packet of an off-rate member (already decoded in <see cref="audio"/>): to s16,
    /// resampled, into its ring and to the members that want the room rate.
    /// </summary>
    private void ConvertJamAudio(SlotState slot, byte[] buf)
    {
        var r = slot.InResampler!;
        long timecode = audio.Timecode;
        int frames = audio.FrameCount;
        int channels = r.Channels;
        if (slot.Converting && timecode < slot.ConvertNext && timecode > slot.ConvertNext - SourceRing.Capacity)
        {
            // late or reordered: its place in the converted stream has been resampled already
            slot.ConvertLate++;
            return;
        }

        if (!slot.Converting || timecode - slot.ConvertNext > MaxConvertGapFrames || timecode < slot.ConvertNext)
        {
            // a (new) stream: output 0 of the resampler is this packet's instant at the room rate
            r.Reset();
            slot.Converting = true;
            slot.ConvertBase = (long)Math.Floor((double)timecode * options.SampleRate / slot.SampleRate);
            slot.ConvertNext = timecode;
        }

        if (timecode > slot.ConvertNext)
        {
            // lost packets: silence through the filter, so the timeline stays exact
            int gap = (int)(timecode - slot.ConvertNext);
            EmitConverted(slot, r.Process(SilenceFrames, gap, convertOut));
        }

        // the packet as s16 in the resampler's channel count (mono stays mono, more than two: the first two)
        int bytes = SampleFormats.BytesPerSample(audio.Format);
        int frameBytes = bytes * audio.Channels;
        int second = audio.Channels > 1 ? bytes : 0;
        int p = audio.PayloadOffset;
        for (int f = 0; f < frames; f++)
        {
            convertIn[f * channels] = (short)SampleConversion.ToS16(buf, p, audio.Format);
            if (channels == 2)
            {
                convertIn[(f * 2) + 1] = (short)SampleConversion.ToS16(buf, p + second, audio.Format);
            }

            p += frameBytes;
        }

        slot.ConvertNext = timecode + frames;
        EmitConverted(slot, r.Process(convertIn, frames, convertOut));
    }

    /// <summary>Resampled frames just made (in <see cref="convertOut"/>): into the ring, and as Audio to those who want the room rate.</summary>
    private void EmitConverted(SlotState slot, int produced)
    {
        if (produced == 0)
        {
            return;
        }

        var r = slot.InResampler!;
        int channels = r.Channels;
        long start = slot.ConvertBase + r.OutputFramesProduced - produced;
        int packetFrames = (int)Math.Max(1, (long)audio.FrameCount * options.SampleRate / slot.SampleRate);
        if (FeedingRings)
        {
            slot.Ring!.WriteS16(start, convertOut, produced, channels, packetFrames);
        }

        if (!AnyRoomRateWanter(slot))
        {
            return;
        }

        int max = AudioPacket.MaxFrames(channels, (int)SampleFormat.S16);
        for (int at = 0; at < produced; at += max)
        {
            int n = Math.Min(max, produced - at);
            EnsureRoom();
            int cell = RentCell();
            mixPacket.Token = 0;
            mixPacket.SourceSlot = (byte)slot.Index;
            mixPacket.DestinationSlot = Slot.Everyone;
            mixPacket.Flags = audio.Flags;
            mixPacket.Sequence = slot.ConvertedSequence++;
            mixPacket.TakeId = audio.TakeId;
            mixPacket.Timecode = start + at;
            mixPacket.FrameCount = n;
            mixPacket.Channels = channels;
            mixPacket.Format = (byte)SampleFormat.S16;
            int length = mixPacket.WriteHeader(outCells, cell);
            short* d = (short*)(outBase + cell + AudioPacket.HeaderLength);
            int count = n * channels;
            int from = at * channels;
            for (int i = 0; i < count; i++)
            {
                d[i] = convertOut[from + i];
            }

            var slots = table.Slots;
            for (int t = 0; t < slots.Length; t++)
            {
                var to = slots[t];
                if (to.Occupied && t != slot.Index && (to.Capabilities & JoinCapabilities.WantsRoomRate) != 0 && WantsForwardedStreams(to) && !to.RtJam)
                {
                    SendTo(to, outBase + cell, length);
                }
            }
        }
    }
}

namespace Octomix.Server.Benchmark;

/// <summary>
/// The mixed case of `octomix bench server` (issue 14, Performance): in every room of 7 jammers,
/// two at 64 frames per packet, two at 128, two at 256 (all 48 kHz) and one at 64 frames and
/// 44.1 kHz — each jammer sends its rate / frames packets a second (750, 375, 187.5, 689). The
/// pure case (<see cref="LoadGeneratorOptions.Mixed"/> off) is every jammer at
/// <see cref="LoadGeneratorOptions.Frames"/> and <see cref="LoadGeneratorOptions.PacketsPerSecond"/>.
/// Kept apart from the generator's loop on purpose (other members' kinds are added beside it).
/// </summary>
public sealed partial class LoadGenerator
{
    /// <summary>Frames per packet and sample rate of the jammer at <paramref name="indexInRoom"/>.</summary>
    private void Profile(int indexInRoom, out int frames, out int rate)
    {
        if (!options.Mixed)
        {
            frames = options.Frames;
            rate = 48000;
            return;
        }

        int k = indexInRoom % 7;
        frames = k switch { 0 or 1 => 64, 2 or 3 => 128, 4 or 5 => 256, _ => 64 };
        rate = k == 6 ? 44100 : 48000;
    }

    /// <summary>Nanoseconds between packets of jammer <paramref name="j"/>.</summary>
    private long PeriodNanoseconds(int j)
        => options.Mixed ? 1_000_000_000L * jammerFrames[j] / jammerRates[j] : 1_000_000_000L / options.PacketsPerSecond;
}

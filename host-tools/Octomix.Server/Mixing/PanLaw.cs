using Octomix.Protocol;

namespace Octomix.Server.Mixing;

/// <summary>
/// The server's constant-power pan law (docs/protocol.md, MixLevels): for pan p in −127..127,
/// θ = (p/127 + 1)·π/4, left = round(16384·√2·cos θ), right = round(16384·√2·sin θ) — Q14, centre
/// exactly 16384 on both sides (unity: an unpanned mix is unchanged), hard left 23170 / 0.
/// A mix coefficient is gain (Q8.8) × pan (Q14), i.e. Q22: the sum is divided by 2^22.
/// </summary>
public static class PanLaw
{
    public const int Centre = 16384;

    /// <summary>Bits of a mix coefficient's fraction: Q8.8 gain × Q14 pan.</summary>
    public const int CoefficientShift = 22;

    /// <summary>gain · pan of unity at centre: 2^22.</summary>
    public const long UnityCoefficient = 1L << CoefficientShift;

    private static readonly int[] LeftTable = Build(left: true);
    private static readonly int[] RightTable = Build(left: false);

    public static int Left(int pan) => LeftTable[Math.Clamp(pan, -MixLevelsMessage.MaxPan, MixLevelsMessage.MaxPan) + MixLevelsMessage.MaxPan];

    public static int Right(int pan) => RightTable[Math.Clamp(pan, -MixLevelsMessage.MaxPan, MixLevelsMessage.MaxPan) + MixLevelsMessage.MaxPan];

    /// <summary>Sets per-slot Q14 pan coefficients from pans (−127..127); null pans = centre.</summary>
    public static void Apply(int[]? pans, int[] left, int[] right)
    {
        for (int i = 0; i < left.Length; i++)
        {
            int p = pans == null ? 0 : pans[i];
            left[i] = Left(p);
            right[i] = Right(p);
        }
    }

    private static int[] Build(bool left)
    {
        var t = new int[(2 * MixLevelsMessage.MaxPan) + 1];
        for (int p = -MixLevelsMessage.MaxPan; p <= MixLevelsMessage.MaxPan; p++)
        {
            double theta = (((double)p / MixLevelsMessage.MaxPan) + 1) * Math.PI / 4;
            double g = Math.Sqrt(2) * (left ? Math.Cos(theta) : Math.Sin(theta));
            t[p + MixLevelsMessage.MaxPan] = (int)Math.Round(Centre * g);
        }

        t[MixLevelsMessage.MaxPan] = Centre;
        return t;
    }
}

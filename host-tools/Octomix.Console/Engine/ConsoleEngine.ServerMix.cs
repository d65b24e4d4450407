using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>
/// The mixes the server makes — the room mix (for listeners) and the jammers' personal mixes —
/// set one member at a time from the web page or the terminal (a gain and a pan per member).
/// The engine remembers what the server acknowledged and sends the whole table each time
/// (MixLevels carries all 16 slots); what was never set is unity, centre.
/// </summary>
public sealed partial class ConsoleEngine
{
    private readonly Lock _serverMixLock = new();
    private readonly Dictionary<int, ServerMixLevel> _roomMix = [];
    private readonly Dictionary<int, Dictionary<int, ServerMixLevel>> _personalMixes = [];

    /// <summary>The room mix (<paramref name="personalMixOf"/> null) or a jammer's personal mix as last acknowledged.</summary>
    public ServerMixView ServerMix(int? personalMixOf)
    {
        lock (_serverMixLock)
        {
            if (personalMixOf is int of)
            {
                return _personalMixes.TryGetValue(of, out var levels)
                    ? new ServerMixView(of, true, new Dictionary<int, ServerMixLevel>(levels))
                    : new ServerMixView(of, false, new Dictionary<int, ServerMixLevel>());
            }

            return new ServerMixView(null, true, new Dictionary<int, ServerMixLevel>(_roomMix));
        }
    }

    /// <summary>
    /// Sets one member's gain and pan in the room mix or in the personal mix of the jammer in
    /// <see cref="ServerMixEdit.PersonalMixOf"/> (which this turns on). True when the server
    /// acknowledged it (only then is it remembered); false when it refused or did not answer.
    /// </summary>
    public async Task<bool> SetServerMixLevelAsync(ServerMixEdit edit, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(edit);
        if (!Slot.IsJammer(edit.Member) || (edit.PersonalMixOf is int of && !Slot.IsJammer(of)))
        {
            throw new ArgumentOutOfRangeException(nameof(edit), "a jammer slot, 0–15");
        }

        if (ServerMixLevel.Problem(edit.Level.GainDb, edit.Level.Pan) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(edit), problem);
        }

        var levels = new Dictionary<int, ServerMixLevel>(ServerMix(edit.PersonalMixOf).Levels)
        {
            [edit.Member] = edit.Level,
        };
        var gains = new int[Slot.MaxJammerSlots];
        var pans = new int[Slot.MaxJammerSlots];
        for (int s = 0; s < Slot.MaxJammerSlots; s++)
        {
            var level = levels.TryGetValue(s, out var l) ? l : ServerMixLevel.Unity;
            gains[s] = level.WireGain;
            pans[s] = level.WirePan;
        }

        bool acknowledged = edit.PersonalMixOf is int jammer
            ? await SetPersonalMixAsync(jammer, enable: true, gains, pans, cancel).ConfigureAwait(false)
            : await SetRoomMixAsync(gains, pans, cancel).ConfigureAwait(false);
        if (acknowledged)
        {
            lock (_serverMixLock)
            {
                if (edit.PersonalMixOf is int j)
                {
                    _personalMixes[j] = levels;
                }
                else
                {
                    _roomMix.Clear();
                    foreach (var (s, l) in levels)
                    {
                        _roomMix[s] = l;
                    }
                }
            }

            string where = edit.PersonalMixOf is int p ? $"jammer {p}'s mix" : "the room mix";
            Event(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"slot {edit.Member} in {where}: {edit.Level.GainDb:+0.#;-0.#;0} dB, pan {edit.Level.Pan:+0.##;-0.##;0}"));
        }

        return acknowledged;
    }
}

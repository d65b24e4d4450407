using System;
using Octomix.Hal;

namespace Octomix.Drivers.Ui
{
    /// <summary>
    /// The click-level knob, read sparsely: one ADC read every <c>pollEveryNthCall</c> calls of
    /// <see cref="Poll"/> (called once per audio block), and a new level only when the raw value has
    /// moved by at least the hysteresis band (2 % of the range) from where the level last changed.
    /// So ADC noise never turns into codec writes; the ends (0 % and 100 %) are always reachable.
    /// </summary>
    public sealed class ClickLevelKnob
    {
        private readonly IAnalogKnob _knob;
        private readonly int _every;
        private readonly int _max;
        private readonly int _band;
        private int _calls;
        private bool _started;
        private int _anchor;
        private int _level;

        public ClickLevelKnob(IAnalogKnob knob, int pollEveryNthCall)
        {
            if (knob == null) throw new ArgumentNullException("knob");
            if (pollEveryNthCall < 1) throw new ArgumentOutOfRangeException("pollEveryNthCall", "must be at least 1, not " + pollEveryNthCall);
            if (knob.MaxValue < 1) throw new ArgumentOutOfRangeException("knob", "knob.MaxValue must be positive, not " + knob.MaxValue);
            _knob = knob;
            _every = pollEveryNthCall;
            _max = knob.MaxValue;
            _band = _max / 50 > 0 ? _max / 50 : 1;
        }

        /// <summary>The last reported level, 0..100.</summary>
        public int LevelPercent { get { return _level; } }

        /// <summary>Raw counts the knob must move before a new level is reported.</summary>
        public int HysteresisCounts { get { return _band; } }

        /// <summary>
        /// Always sets <paramref name="levelPercent"/> to the current level; returns true when it
        /// changed (and on the first call, so the caller can apply the initial level).
        /// </summary>
        public bool Poll(out int levelPercent)
        {
            if (!_started)
            {
                _started = true;
                _anchor = Clamp(_knob.Read());
                _level = ToPercent(_anchor);
                levelPercent = _level;
                return true;
            }
            levelPercent = _level;
            _calls++;
            if (_calls < _every) return false;
            _calls = 0;

            int raw = Clamp(_knob.Read());
            int level = ToPercent(raw);
            int moved = raw - _anchor;
            if (moved < 0) moved = -moved;
            bool atEnd = level == 0 || level == 100;
            if ((moved >= _band || atEnd) && level != _level)
            {
                _level = level;
                _anchor = raw;
                levelPercent = level;
                return true;
            }
            return false;
        }

        private int Clamp(int raw)
        {
            return raw < 0 ? 0 : raw > _max ? _max : raw;
        }

        /// <summary>Within one band of either end counts as the end; in between, nearest percent.</summary>
        private int ToPercent(int raw)
        {
            if (raw <= _band) return 0;
            if (raw >= _max - _band) return 100;
            return (int)(((long)raw * 100 + _max / 2) / _max);
        }
    }
}

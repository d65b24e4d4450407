using System;
using Octomix.Hal;

namespace Octomix.Drivers.Ui
{
    /// <summary>
    /// The join button: debounced, short vs long press, polled once per audio block (no thread, no
    /// interrupt, no allocation). A level change counts only after the raw level has stayed the same
    /// for the debounce time; a long press fires once as soon as the threshold passes (the musician
    /// does not have to let go); a short press fires on release. A button already held at the first
    /// Poll (e.g. at boot) is ignored until it is released.
    /// </summary>
    public sealed class JoinButton
    {
        private readonly IButton _button;
        private readonly long _debounceMicros;
        private readonly long _longPressMicros;

        private bool _started;
        private bool _lastRaw;
        private long _lastRawChange;
        private bool _stable;
        private long _pressStart;
        private bool _longFired;
        private bool _ignoreUntilRelease;

        /// <param name="button">The raw button level.</param>
        /// <param name="debounceMilliseconds">Time the level must hold before it counts (30 is typical), 0..1000.</param>
        /// <param name="longPressMilliseconds">Hold time for a long press (1500 on the box), more than the debounce time.</param>
        public JoinButton(IButton button, int debounceMilliseconds, int longPressMilliseconds)
        {
            if (button == null) throw new ArgumentNullException("button");
            if (debounceMilliseconds < 0 || debounceMilliseconds > 1000)
                throw new ArgumentOutOfRangeException("debounceMilliseconds", "debounce of " + debounceMilliseconds + " ms is outside 0..1000");
            if (longPressMilliseconds <= debounceMilliseconds || longPressMilliseconds > 60000)
                throw new ArgumentOutOfRangeException("longPressMilliseconds", "long press of " + longPressMilliseconds
                    + " ms must be longer than the debounce (" + debounceMilliseconds + " ms) and at most 60000");
            _button = button;
            _debounceMicros = debounceMilliseconds * 1000L;
            _longPressMicros = longPressMilliseconds * 1000L;
        }

        /// <summary>True while the debounced button is down.</summary>
        public bool IsHeld { get { return _stable && !_ignoreUntilRelease; } }

        /// <summary>Reads the button once; call once per audio block with a monotonic time.</summary>
        public ButtonEvent Poll(long nowMicroseconds)
        {
            bool raw = _button.IsPressed;
            if (!_started)
            {
                _started = true;
                _lastRaw = raw;
                _stable = raw;
                _lastRawChange = nowMicroseconds;
                _ignoreUntilRelease = raw;
                return ButtonEvent.None;
            }

            if (raw != _lastRaw)
            {
                _lastRaw = raw;
                _lastRawChange = nowMicroseconds;
            }

            if (raw != _stable && nowMicroseconds - _lastRawChange >= _debounceMicros)
            {
                _stable = raw;
                if (raw)
                {
                    _pressStart = _lastRawChange; // the press began when the bouncing stopped
                    _longFired = false;
                }
                else
                {
                    bool ignored = _ignoreUntilRelease;
                    _ignoreUntilRelease = false;
                    if (!ignored && !_longFired) return ButtonEvent.ShortPress;
                    return ButtonEvent.None;
                }
            }

            if (_stable && !_ignoreUntilRelease && !_longFired && nowMicroseconds - _pressStart >= _longPressMicros)
            {
                _longFired = true;
                return ButtonEvent.LongPress;
            }
            return ButtonEvent.None;
        }
    }
}

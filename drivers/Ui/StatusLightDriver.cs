using System;
using Octomix.Hal;

namespace Octomix.Drivers.Ui
{
    /// <summary>
    /// Turns the box state into the three status lights (link, record, beat). <see cref="Show"/>
    /// picks a pattern; <see cref="Update"/>, called once per audio block, computes the LED mask
    /// for the current time and calls <see cref="IStatusLights.Show"/> only when the mask changes
    /// (a GPIO write per change, not per block). Blink phases start at the first Update after a
    /// pattern change, so a new state shows at once. <see cref="Beat"/> flashes the beat LED in
    /// the patterns that follow the click (CountIn, Recording, Jamming). No allocation.
    /// The table of patterns is in README.md; the code and the table are checked by the tests.
    /// </summary>
    public sealed class StatusLightDriver
    {
        /// <summary>Beat LED on-time after a normal beat.</summary>
        public const int BeatFlashMilliseconds = 60;
        /// <summary>Beat LED on-time after the first beat of a bar.</summary>
        public const int AccentFlashMilliseconds = 150;
        /// <summary>Error code blink: on, off, and the pause after the last blink.</summary>
        public const int ErrorBlinkOnMilliseconds = 200;
        public const int ErrorBlinkOffMilliseconds = 300;
        public const int ErrorPauseMilliseconds = 1500;

        private const int Link = StatusLight.Link, Record = StatusLight.Record, BeatLed = StatusLight.Beat;

        private readonly IStatusLights _lights;
        private LightPattern _pattern = LightPattern.Booting;
        private int _errorCode;
        private bool _restartPhase = true;
        private long _phaseStart;
        private long _beatUntil = long.MinValue;
        private int _lastMask = -1;

        public StatusLightDriver(IStatusLights lights)
        {
            if (lights == null) throw new ArgumentNullException("lights");
            _lights = lights;
        }

        public LightPattern Pattern { get { return _pattern; } }
        public int ErrorCode { get { return _errorCode; } }

        /// <summary>The mask last sent to the lights, or -1 before the first Update.</summary>
        public int CurrentMask { get { return _lastMask; } }

        /// <summary>
        /// Selects a pattern. <paramref name="errorCode"/> (1..9, <see cref="BoxErrorCode"/>) is
        /// blinked on the record LED by <see cref="LightPattern.Error"/> and must be 0 for the other
        /// patterns. Showing the pattern already shown keeps its blink phase.
        /// </summary>
        public void Show(LightPattern pattern, int errorCode)
        {
            if ((int)pattern < (int)LightPattern.Booting || (int)pattern > (int)LightPattern.Error)
                throw new ArgumentOutOfRangeException("pattern", "unknown light pattern " + (int)pattern);
            if (pattern == LightPattern.Error)
            {
                if (errorCode < BoxErrorCode.Min || errorCode > BoxErrorCode.Max)
                    throw new ArgumentOutOfRangeException("errorCode", "error code " + errorCode + " is outside 1..9 (BoxErrorCode)");
            }
            else if (errorCode != 0)
            {
                throw new ArgumentOutOfRangeException("errorCode", "error code " + errorCode + " given with pattern " + (int)pattern + "; only Error blinks a code (use 0)");
            }
            if (pattern == _pattern && errorCode == _errorCode) return;
            _pattern = pattern;
            _errorCode = errorCode;
            _restartPhase = true;
        }

        /// <summary>A beat of the click started at <paramref name="nowMicroseconds"/> (accent: first beat of a bar).</summary>
        public void Beat(long nowMicroseconds, bool accent)
        {
            _beatUntil = nowMicroseconds + (accent ? AccentFlashMilliseconds : BeatFlashMilliseconds) * 1000L;
        }

        /// <summary>Computes the mask for <paramref name="nowMicroseconds"/> and sends it if it changed.</summary>
        public void Update(long nowMicroseconds)
        {
            if (_restartPhase)
            {
                _restartPhase = false;
                _phaseStart = nowMicroseconds;
            }
            int mask = MaskAt(nowMicroseconds);
            if (mask != _lastMask)
            {
                _lastMask = mask;
                _lights.Show(mask);
            }
        }

        private int MaskAt(long now)
        {
            long ms = (now - _phaseStart) / 1000;
            bool beat = now < _beatUntil;
            switch (_pattern)
            {
                case LightPattern.Booting: return Link | Record | BeatLed;
                case LightPattern.NoNetwork: return Blink(ms, 250, 125) ? Link : 0;
                case LightPattern.NoServer: return Blink(ms, 1000, 500) ? Link : 0;
                case LightPattern.Idle: return Link;
                case LightPattern.Joining: return Link | (Blink(ms, 500, 250) ? BeatLed : 0);
                case LightPattern.Ready: return Link | BeatLed;
                case LightPattern.Calibrating: return Link | (Blink(ms, 125, 60) ? BeatLed : 0);
                case LightPattern.CountIn: return Link | (Blink(ms, 500, 250) ? Record : 0) | (beat ? BeatLed : 0);
                case LightPattern.Recording: return Link | Record | (beat ? BeatLed : 0);
                case LightPattern.Stopping: return Link | (Blink(ms, 250, 125) ? Record : 0);
                case LightPattern.Collecting: return Link | (Blink(ms, 1000, 500) ? Record : 0);
                case LightPattern.Jamming: return Link | (beat ? BeatLed : 0);
                case LightPattern.Playback: return Link | (Blink(ms, 1000, 100) ? BeatLed : 0);
                default: return ErrorBlink(ms) ? Record : 0;
            }
        }

        private static bool Blink(long ms, int periodMs, int onMs)
        {
            return ms % periodMs < onMs;
        }

        /// <summary>n blinks of 200 ms on / 300 ms off, then 1.5 s dark, repeated.</summary>
        private bool ErrorBlink(long ms)
        {
            int blink = ErrorBlinkOnMilliseconds + ErrorBlinkOffMilliseconds;
            long cycle = (long)_errorCode * blink + ErrorPauseMilliseconds;
            long t = ms % cycle;
            if (t >= (long)_errorCode * blink) return false;
            return t % blink < ErrorBlinkOnMilliseconds;
        }
    }
}

using System;
using System.Threading;
using Octomix.Hal;

namespace Octomix.Drivers.Wm8960
{
    /// <summary>
    /// WM8960 codec over an <see cref="IRegisterBus"/> (I2C address 0x1A), set up for the Octomix
    /// box: I2S slave capture of the instrument (LINPUT1, left ADC) and a second input (RINPUT1,
    /// right ADC), zero-latency analog monitoring of both through the bypass paths, and the click
    /// DAC (PCM5102A on LINPUT3/RINPUT3) mixed into the headphones. README.md lists every write.
    /// <para>
    /// The part is write-only, so the driver keeps a shadow of every register: the value the chip
    /// is known to hold (updated only when a write was acknowledged). A register whose write failed
    /// is marked unknown, and the next write to it goes out even if the value looks unchanged.
    /// Setters write only registers whose value changes; <see cref="Apply"/> re-sends whatever the
    /// chip is not known to hold (after a bus fault).
    /// </para>
    /// <para>
    /// Bus faults never throw: operations return the <see cref="BusStatus"/> of the first failed
    /// write and leave a sentence in <see cref="LastError"/>. Exceptions are for programming errors
    /// only (null bus, invalid config, setters before Initialize, use after Dispose).
    /// </para>
    /// </summary>
    public sealed class Wm8960 : IAudioCodec, IDisposable
    {
        /// <summary>The WM8960's fixed 7-bit I2C address.</summary>
        public const int I2cAddress = 0x1A;

        /// <summary>R0..R55.</summary>
        public const int RegisterCount = 56;

        /// <summary>VMID needs this long to charge before VREF and the analog blocks come up (Linux wm8960.c uses 100 ms).</summary>
        public const int VmidSettleMilliseconds = 100;

        private static readonly int[] ResetValues = Wm8960RegisterInfo.BuildResetValues();

        /// <summary>Registers this driver owns, in the order Initialize leaves them (Apply uses it).</summary>
        private static readonly byte[] ManagedRegisters =
        {
            (byte)Wm8960Register.AntiPop1, (byte)Wm8960Register.Clocking1, (byte)Wm8960Register.AudioInterface1,
            (byte)Wm8960Register.AdclSignalPath, (byte)Wm8960Register.AdcrSignalPath,
            (byte)Wm8960Register.InputBoostMixer1, (byte)Wm8960Register.InputBoostMixer2,
            (byte)Wm8960Register.LeftInputVolume, (byte)Wm8960Register.RightInputVolume,
            (byte)Wm8960Register.LeftAdcVolume, (byte)Wm8960Register.RightAdcVolume,
            (byte)Wm8960Register.LeftOutMix, (byte)Wm8960Register.RightOutMix,
            (byte)Wm8960Register.Bypass1, (byte)Wm8960Register.Bypass2,
            (byte)Wm8960Register.PowerManagement1, (byte)Wm8960Register.PowerManagement3,
            (byte)Wm8960Register.PowerManagement2,
            (byte)Wm8960Register.Lout1Volume, (byte)Wm8960Register.Rout1Volume,
        };

        private readonly IRegisterBus _bus;
        private readonly Wm8960Delay _delay;
        private readonly byte[] _frame = new byte[2];
        private readonly int[] _shadow = new int[RegisterCount];
        private readonly bool[] _known = new bool[RegisterCount];
        private bool _disposed;
        private bool _initialized;
        private string _lastError = "";
        private int _lastFailedRegister = -1;

        // The wanted state (register codes), set by Initialize and the setters.
        private int _wordLengthCode;
        private int _instrumentPgaCode, _secondPgaCode;
        private int _instrumentBoost, _secondBoost;
        private bool _micBias;
        private int _adcVolumeCode;
        private int _monitorCode;
        private int _headphoneCode;
        private bool _headphoneMuted;
        private bool _inputsMuted;
        private int _clickCode;          // LI2LOVOL code 0..7 (0 = 0 dB)
        private bool _clickOn;
        private int _calibrationCode;    // LIN3BOOST code 1..7
        private bool _calibrating;

        /// <summary>Uses Thread.Sleep for the power-up pause.</summary>
        public Wm8960(IRegisterBus bus) : this(bus, null)
        {
        }

        /// <summary><paramref name="delay"/> replaces Thread.Sleep (tests, or a board with its own timer); null = Thread.Sleep.</summary>
        public Wm8960(IRegisterBus bus, Wm8960Delay delay)
        {
            if (bus == null) throw new ArgumentNullException("bus");
            _bus = bus;
            _delay = delay;
            MarkAllUnknown();
        }

        /// <summary>True after an Initialize whose every write was acknowledged.</summary>
        public bool IsInitialized { get { return _initialized; } }

        /// <summary>Why the last operation failed, or "" when it succeeded.</summary>
        public string LastError { get { return _lastError; } }

        /// <summary>Register number of the last failed write, or -1.</summary>
        public int LastFailedRegister { get { return _lastFailedRegister; } }

        /// <summary>True while the ADC hears the click DAC (see <see cref="SetCalibrationRouting"/>).</summary>
        public bool CalibrationRouting { get { return _calibrating; } }

        /// <summary>The value the chip is known to hold in <paramref name="register"/>, or -1 when unknown.</summary>
        public int ShadowValue(int register)
        {
            if (register < 0 || register >= RegisterCount) throw new ArgumentOutOfRangeException("register");
            return _known[register] ? _shadow[register] : -1;
        }

        /// <summary>The datasheet reset value of <paramref name="register"/>, or -1 for an unlisted register.</summary>
        public static int ResetValue(int register)
        {
            if (register < 0 || register >= RegisterCount) throw new ArgumentOutOfRangeException("register");
            return ResetValues[register];
        }

        /// <summary>
        /// Writes R15 (software reset). This is also the identity check: the WM8960 cannot be read,
        /// so "present" means the address 0x1A acknowledges. On success every shadow register holds
        /// its reset value; on failure all are unknown and <see cref="LastError"/> says what to check.
        /// </summary>
        public BusStatus Reset()
        {
            CheckNotDisposed();
            _initialized = false;
            _calibrating = false;
            BusStatus status = Send((int)Wm8960Register.Reset, 0);
            if (status != BusStatus.Ok)
            {
                MarkAllUnknown();
                if (status == BusStatus.AddressNack)
                    _lastError = "WM8960 not answering: no acknowledge from I2C address 0x" + Hex2(_bus.Address)
                        + " (expected 0x1A) when writing R15 (Reset). Check codec power (3.3 V), SDA/SCL wiring and pull-ups.";
                else
                    _lastError = "WM8960 at I2C address 0x" + Hex2(_bus.Address) + ": writing R15 (Reset) failed with " + StatusName(status) + ".";
                _lastFailedRegister = (int)Wm8960Register.Reset;
                return status;
            }
            for (int r = 0; r < RegisterCount; r++)
            {
                _shadow[r] = ResetValues[r] < 0 ? 0 : ResetValues[r];
                _known[r] = ResetValues[r] >= 0;
            }
            ClearError();
            return BusStatus.Ok;
        }

        /// <summary>
        /// Resets the codec and powers it up for the box in the order of README.md "Initialize":
        /// anti-pop on, VMID, wait, VREF, anti-pop off, clocks and interface, input routing and
        /// gains, output mixers, power for inputs/ADCs/mixers, headphone drivers, headphone volume
        /// last. Every step is written even if it equals the reset value, so the result never
        /// depends on a reset that silently did not happen. Stops at the first failed write; call
        /// Initialize again to retry (it starts with a reset). An invalid config throws
        /// ArgumentException before anything is written.
        /// </summary>
        public BusStatus Initialize(Wm8960Config config)
        {
            CheckNotDisposed();
            if (config == null) throw new ArgumentNullException("config");
            config.Validate();
            TakeSettings(config);

            BusStatus s = Reset();
            if (s != BusStatus.Ok) return s;

            // Power-up with the anti-pop features on (datasheet "Pop minimisation"; Linux wm8960.c).
            if ((s = Step(Wm8960Register.AntiPop1, Wm8960Fields.POBCTRL | Wm8960Fields.BUFDCOPEN | Wm8960Fields.BUFIOEN | Wm8960Fields.SOFT_ST)) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.PowerManagement1, Wm8960Fields.VMIDSEL_50K)) != BusStatus.Ok) return s;
            Sleep(VmidSettleMilliseconds);
            if ((s = Step(Wm8960Register.PowerManagement1, Wm8960Fields.VMIDSEL_50K | Wm8960Fields.VREF)) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.AntiPop1, AntiPop1Value())) != BusStatus.Ok) return s;

            // Clocks and interface: SYSCLK = MCLK (256 fs, no PLL), I2S slave.
            if ((s = Step(Wm8960Register.Clocking1, Clocking1Value())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.AudioInterface1, AudioInterface1Value())) != BusStatus.Ok) return s;

            // Capture routing and gains.
            if ((s = Step(Wm8960Register.AdclSignalPath, AdclSignalPathValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.AdcrSignalPath, AdcrSignalPathValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.InputBoostMixer1, InputBoostValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.InputBoostMixer2, InputBoostValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.LeftInputVolume, InputVolumeValue(_instrumentPgaCode))) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.RightInputVolume, InputVolumeValue(_secondPgaCode))) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.LeftAdcVolume, AdcVolumeValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.RightAdcVolume, AdcVolumeValue())) != BusStatus.Ok) return s;

            // Headphone mix: click (INPUT3 direct) and zero-latency monitoring (boost mixer bypass).
            if ((s = Step(Wm8960Register.LeftOutMix, OutMixValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.RightOutMix, OutMixValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.Bypass1, BypassValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.Bypass2, BypassValue())) != BusStatus.Ok) return s;

            // Power: inputs and ADCs, then PGAs and output mixers, then the headphone drivers
            // (still at R2/R3's reset value 0 = mute), then the headphone volume.
            if ((s = Step(Wm8960Register.PowerManagement1, PowerManagement1Value())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.PowerManagement3, PowerManagement3Value())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.PowerManagement2, PowerManagement2Value())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.Lout1Volume, HeadphoneValue())) != BusStatus.Ok) return s;
            if ((s = Step(Wm8960Register.Rout1Volume, HeadphoneValue())) != BusStatus.Ok) return s;

            _initialized = true;
            ClearError();
            return BusStatus.Ok;
        }

        /// <summary>
        /// Calibration routing on: the ADCs hear the click DAC (LINPUT3/RINPUT3 into the boost
        /// mixers at <see cref="Wm8960Config.CalibrationGainDb"/>), the PGAs (instrument, mic) are
        /// disconnected from the boost mixers and the bypass is off, so the headphones carry the
        /// click once. Off restores the recording routing. Writes only what changes.
        /// </summary>
        public BusStatus SetCalibrationRouting(bool on)
        {
            CheckInitialized();
            _calibrating = on;
            BusStatus s;
            if (on)
            {
                // Bypass off first (no doubled click in the ears), then PGA out of the boost mixer, then INPUT3 in.
                if ((s = Cached(Wm8960Register.Bypass1, BypassValue())) != BusStatus.Ok) return s;
                if ((s = Cached(Wm8960Register.Bypass2, BypassValue())) != BusStatus.Ok) return s;
                if ((s = Cached(Wm8960Register.AdclSignalPath, AdclSignalPathValue())) != BusStatus.Ok) return s;
                if ((s = Cached(Wm8960Register.AdcrSignalPath, AdcrSignalPathValue())) != BusStatus.Ok) return s;
                if ((s = Cached(Wm8960Register.InputBoostMixer1, InputBoostValue())) != BusStatus.Ok) return s;
                return Done(Cached(Wm8960Register.InputBoostMixer2, InputBoostValue()));
            }
            // Reverse order: INPUT3 out of the ADC path first, then PGAs back, then monitoring.
            if ((s = Cached(Wm8960Register.InputBoostMixer1, InputBoostValue())) != BusStatus.Ok) return s;
            if ((s = Cached(Wm8960Register.InputBoostMixer2, InputBoostValue())) != BusStatus.Ok) return s;
            if ((s = Cached(Wm8960Register.AdclSignalPath, AdclSignalPathValue())) != BusStatus.Ok) return s;
            if ((s = Cached(Wm8960Register.AdcrSignalPath, AdcrSignalPathValue())) != BusStatus.Ok) return s;
            if ((s = Cached(Wm8960Register.Bypass1, BypassValue())) != BusStatus.Ok) return s;
            return Done(Cached(Wm8960Register.Bypass2, BypassValue()));
        }

        /// <summary>Headphone volume -73..+6 dB in 1 dB steps (R2/R3). Unmutes nothing: see <see cref="SetHeadphoneMute"/>.</summary>
        public BusStatus SetHeadphoneVolume(int db)
        {
            CheckRange(db, -73, 6, "db", "headphone volume in dB");
            CheckInitialized();
            _headphoneCode = db + Wm8960Fields.OUT1VOL_0DB;
            return WriteHeadphones();
        }

        /// <summary>Analog mute of both headphone drivers (the volume is kept for unmute).</summary>
        public BusStatus SetHeadphoneMute(bool muted)
        {
            CheckInitialized();
            _headphoneMuted = muted;
            return WriteHeadphones();
        }

        /// <summary>
        /// The click-level knob: the analog gain of the click input (LINPUT3/RINPUT3) into the
        /// headphone mixers. 0 % switches the path off (LI2LO/RI2RO = 0); 1..100 % map to
        /// LI2LOVOL 111..000 (-21..0 dB, 3 dB steps; table in README.md). Costs at most two I2C
        /// writes, and none when the step does not change, so it can follow a knob.
        /// </summary>
        public BusStatus SetClickVolume(int levelPercent)
        {
            CheckRange(levelPercent, 0, 100, "levelPercent", "click level in percent");
            CheckInitialized();
            SetClickFromPercent(levelPercent);
            BusStatus s = Cached(Wm8960Register.LeftOutMix, OutMixValue());
            if (s != BusStatus.Ok) return s;
            return Done(Cached(Wm8960Register.RightOutMix, OutMixValue()));
        }

        /// <summary>
        /// Gain of one input: PGA -1725..3000 centi-dB (0.75 dB steps, rounded to the nearest) plus
        /// the boost stage. Writes R0 or R1 and R32 or R33.
        /// </summary>
        public BusStatus SetInputGain(Wm8960Input input, int gainCentiDb, Wm8960MicBoost boost)
        {
            CheckRange(gainCentiDb, -1725, 3000, "gainCentiDb", "input PGA gain in centi-dB");
            if ((int)boost < 0 || (int)boost > 3) throw new ArgumentOutOfRangeException("boost", "not a Wm8960MicBoost value");
            if (input != Wm8960Input.Instrument && input != Wm8960Input.Second) throw new ArgumentOutOfRangeException("input", "not a Wm8960Input value");
            CheckInitialized();
            BusStatus s;
            if (input == Wm8960Input.Instrument)
            {
                _instrumentPgaCode = PgaCode(gainCentiDb);
                _instrumentBoost = (int)boost;
                if ((s = Cached(Wm8960Register.LeftInputVolume, InputVolumeValue(_instrumentPgaCode))) != BusStatus.Ok) return s;
                return Done(Cached(Wm8960Register.AdclSignalPath, AdclSignalPathValue()));
            }
            _secondPgaCode = PgaCode(gainCentiDb);
            _secondBoost = (int)boost;
            if ((s = Cached(Wm8960Register.RightInputVolume, InputVolumeValue(_secondPgaCode))) != BusStatus.Ok) return s;
            return Done(Cached(Wm8960Register.AdcrSignalPath, AdcrSignalPathValue()));
        }

        /// <summary>Mutes both input PGAs (LINMUTE/RINMUTE): silence in the recording and in the monitoring.</summary>
        public BusStatus SetInputMute(bool muted)
        {
            CheckInitialized();
            _inputsMuted = muted;
            BusStatus s = Cached(Wm8960Register.LeftInputVolume, InputVolumeValue(_instrumentPgaCode));
            if (s != BusStatus.Ok) return s;
            return Done(Cached(Wm8960Register.RightInputVolume, InputVolumeValue(_secondPgaCode)));
        }

        /// <summary>
        /// Re-sends every register of the wanted state that the chip is not known to hold (after a
        /// failed setter), in Initialize's order. Writes nothing when all is in place.
        /// </summary>
        public BusStatus Apply()
        {
            CheckInitialized();
            for (int i = 0; i < ManagedRegisters.Length; i++)
            {
                int reg = ManagedRegisters[i];
                BusStatus s = Cached((Wm8960Register)reg, WantedValue(reg));
                if (s != BusStatus.Ok) return s;
            }
            ClearError();
            return BusStatus.Ok;
        }

        /// <summary>
        /// <see cref="IAudioCodec.Configure"/>: <see cref="Initialize"/> with the default
        /// <see cref="Wm8960Config"/> but for the word length and the click level.
        /// </summary>
        public BusStatus Configure(int bitsPerSample, int clickLevelPercent)
        {
            Wm8960Config config = new Wm8960Config();
            config.WordLengthBits = bitsPerSample;
            config.ClickLevelPercent = clickLevelPercent;
            return Initialize(config);
        }

        /// <summary>
        /// <see cref="IAudioCodec.PowerDown"/>: the software reset (R15), after which every power
        /// management register (R25, R26, R47) holds its reset value 0, every block off.
        /// </summary>
        public BusStatus PowerDown()
        {
            return Reset();
        }

        /// <summary>Stops using the bus (the driver does not own it: the board does). Further calls throw ObjectDisposedException.</summary>
        public void Dispose()
        {
            _disposed = true;
        }

        // ----- register values of the wanted state -----

        private int WantedValue(int reg)
        {
            switch ((Wm8960Register)reg)
            {
                case Wm8960Register.AntiPop1: return AntiPop1Value();
                case Wm8960Register.Clocking1: return Clocking1Value();
                case Wm8960Register.AudioInterface1: return AudioInterface1Value();
                case Wm8960Register.AdclSignalPath: return AdclSignalPathValue();
                case Wm8960Register.AdcrSignalPath: return AdcrSignalPathValue();
                case Wm8960Register.InputBoostMixer1: return InputBoostValue();
                case Wm8960Register.InputBoostMixer2: return InputBoostValue();
                case Wm8960Register.LeftInputVolume: return InputVolumeValue(_instrumentPgaCode);
                case Wm8960Register.RightInputVolume: return InputVolumeValue(_secondPgaCode);
                case Wm8960Register.LeftAdcVolume: return AdcVolumeValue();
                case Wm8960Register.RightAdcVolume: return AdcVolumeValue();
                case Wm8960Register.LeftOutMix: return OutMixValue();
                case Wm8960Register.RightOutMix: return OutMixValue();
                case Wm8960Register.Bypass1: return BypassValue();
                case Wm8960Register.Bypass2: return BypassValue();
                case Wm8960Register.PowerManagement1: return PowerManagement1Value();
                case Wm8960Register.PowerManagement2: return PowerManagement2Value();
                case Wm8960Register.PowerManagement3: return PowerManagement3Value();
                default: return HeadphoneValue(); // R2, R3
            }
        }

        private static int AntiPop1Value() { return Wm8960Fields.BUFIOEN; }

        private static int Clocking1Value() { return 0; } // CLKSEL=0 (MCLK), SYSCLKDIV=1, ADCDIV=DACDIV=256

        private int AudioInterface1Value() { return Wm8960Fields.FORMAT_I2S | (_wordLengthCode << Wm8960Fields.WL_SHIFT); }

        private int AdclSignalPathValue()
        {
            return Wm8960Fields.MN1 | (_instrumentBoost << Wm8960Fields.MICBOOST_SHIFT) | (_calibrating ? 0 : Wm8960Fields.MIC2B);
        }

        private int AdcrSignalPathValue()
        {
            return Wm8960Fields.MN1 | (_secondBoost << Wm8960Fields.MICBOOST_SHIFT) | (_calibrating ? 0 : Wm8960Fields.MIC2B);
        }

        private int InputBoostValue() { return _calibrating ? _calibrationCode << Wm8960Fields.IN3BOOST_SHIFT : 0; }

        private int InputVolumeValue(int pgaCode)
        {
            return Wm8960Fields.IPVU | (_inputsMuted ? Wm8960Fields.INMUTE : 0) | pgaCode;
        }

        private int AdcVolumeValue() { return Wm8960Fields.ADCVU | _adcVolumeCode; }

        private int OutMixValue() { return (_clickOn ? Wm8960Fields.I2O : 0) | (_clickCode << Wm8960Fields.I2OVOL_SHIFT); }

        private int BypassValue() { return (_calibrating ? 0 : Wm8960Fields.B2O) | (_monitorCode << Wm8960Fields.B2OVOL_SHIFT); }

        private int PowerManagement1Value()
        {
            return Wm8960Fields.VMIDSEL_50K | Wm8960Fields.VREF | Wm8960Fields.AINL | Wm8960Fields.AINR
                | Wm8960Fields.ADCL | Wm8960Fields.ADCR | (_micBias ? Wm8960Fields.MICB : 0);
        }

        private static int PowerManagement2Value() { return Wm8960Fields.LOUT1 | Wm8960Fields.ROUT1; }

        private static int PowerManagement3Value()
        {
            return Wm8960Fields.LMIC | Wm8960Fields.RMIC | Wm8960Fields.LOMIX | Wm8960Fields.ROMIX;
        }

        private int HeadphoneValue()
        {
            return Wm8960Fields.OUT1VU | (_headphoneMuted ? Wm8960Fields.OUT1VOL_MUTE : _headphoneCode);
        }

        // ----- conversions (documented in README.md) -----

        private void TakeSettings(Wm8960Config c)
        {
            _wordLengthCode = c.WordLengthBits == 16 ? 0 : c.WordLengthBits == 24 ? 2 : 3;
            _instrumentPgaCode = PgaCode(c.InstrumentGainCentiDb);
            _secondPgaCode = PgaCode(c.SecondInputGainCentiDb);
            _instrumentBoost = (int)c.InstrumentBoost;
            _secondBoost = (int)c.SecondInputBoost;
            _micBias = c.MicBias;
            _adcVolumeCode = RoundDiv(c.AdcVolumeCentiDb + 9700, 50) + 1;
            _monitorCode = RoundDiv(-c.MonitorGainDb, 3);
            _headphoneCode = c.HeadphoneVolumeDb + Wm8960Fields.OUT1VOL_0DB;
            _headphoneMuted = false;
            _inputsMuted = false;
            SetClickFromPercent(c.ClickLevelPercent);
            _calibrationCode = RoundDiv(c.CalibrationGainDb + 12, 3) + 1;
            _calibrating = false;
        }

        private void SetClickFromPercent(int percent)
        {
            _clickOn = percent > 0;
            if (_clickOn) _clickCode = 7 - (percent - 1) * 8 / 100;
        }

        /// <summary>LINVOL code: 0x00 = -17.25 dB, 0.75 dB steps, nearest step.</summary>
        private static int PgaCode(int centiDb) { return RoundDiv(centiDb + 1725, 75); }

        /// <summary>Nearest integer of a / b for b &gt; 0 (halves round up), correct for negative a.</summary>
        private static int RoundDiv(int a, int b)
        {
            int n = 2 * a + b, d = 2 * b;
            int q = n / d;
            if (n % d != 0 && n < 0) q--;
            return q;
        }

        // ----- bus access -----

        private BusStatus WriteHeadphones()
        {
            BusStatus s = Cached(Wm8960Register.Lout1Volume, HeadphoneValue());
            if (s != BusStatus.Ok) return s;
            return Done(Cached(Wm8960Register.Rout1Volume, HeadphoneValue()));
        }

        /// <summary>An Initialize step: always written.</summary>
        private BusStatus Step(Wm8960Register reg, int value)
        {
            BusStatus s = Send((int)reg, value);
            if (s != BusStatus.Ok) _lastError = "WM8960 initialization stopped: " + _lastError;
            return s;
        }

        /// <summary>Written only when the chip is not known to hold <paramref name="value"/> already.</summary>
        private BusStatus Cached(Wm8960Register reg, int value)
        {
            int r = (int)reg;
            if (_known[r] && _shadow[r] == value) return BusStatus.Ok;
            return Send(r, value);
        }

        private BusStatus Done(BusStatus last)
        {
            if (last == BusStatus.Ok) ClearError();
            return last;
        }

        private BusStatus Send(int reg, int value)
        {
            CheckNotDisposed();
            _frame[0] = (byte)((reg << 1) | ((value >> 8) & 1));
            _frame[1] = (byte)(value & 0xFF);
            BusStatus s = _bus.Write(_frame, 0, 2);
            if (s == BusStatus.Ok)
            {
                _shadow[reg] = value & 0x1FF;
                _known[reg] = true;
                return s;
            }
            // The chip may or may not have latched the value: the shadow must not claim either.
            _known[reg] = false;
            _lastFailedRegister = reg;
            _lastError = "writing R" + reg + " (" + Wm8960RegisterInfo.Name(reg) + ") = 0x" + Hex3(value) + " to I2C address 0x"
                + Hex2(_bus.Address) + " failed with " + StatusName(s) + ".";
            return s;
        }

        private void Sleep(int milliseconds)
        {
            if (_delay != null) _delay(milliseconds);
            else Thread.Sleep(milliseconds);
        }

        private void ClearError()
        {
            _lastError = "";
            _lastFailedRegister = -1;
        }

        private void MarkAllUnknown()
        {
            for (int r = 0; r < RegisterCount; r++) _known[r] = false;
        }

        private void CheckNotDisposed()
        {
            if (_disposed) throw new ObjectDisposedException("Wm8960");
        }

        private void CheckInitialized()
        {
            CheckNotDisposed();
            if (!_initialized)
                throw new InvalidOperationException("WM8960: Initialize has not completed (" + (_lastError.Length > 0 ? _lastError : "not called") + ")");
        }

        private static void CheckRange(int value, int min, int max, string name, string what)
        {
            if (value < min || value > max)
                throw new ArgumentOutOfRangeException(name, what + " " + value + " is outside " + min + ".." + max);
        }

        private static string StatusName(BusStatus s)
        {
            switch (s)
            {
                case BusStatus.AddressNack: return "AddressNack (no device acknowledged the address)";
                case BusStatus.DataNack: return "DataNack (a data byte was not acknowledged)";
                case BusStatus.BusError: return "BusError";
                case BusStatus.Timeout: return "Timeout";
                default: return "bus status " + (int)s;
            }
        }

        private const string HexDigits = "0123456789ABCDEF";

        private static string Hex2(int v) { return new string(new char[] { HexDigits[(v >> 4) & 0xF], HexDigits[v & 0xF] }); }

        private static string Hex3(int v) { return new string(new char[] { HexDigits[(v >> 8) & 0xF], HexDigits[(v >> 4) & 0xF], HexDigits[v & 0xF] }); }
    }
}

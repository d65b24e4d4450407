using System;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.I2s;
using System.Net.NetworkInformation;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using Octomix.Drivers.Wm8960;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// The reference box (ESP32-WROVER, WM8960 capture codec, PCM5102A click DAC, microSD, join
    /// button, three LEDs, click-level knob) bound to nanoFramework 1.17. Routes the pins of
    /// <see cref="PinMap"/> and hands out one binding per HAL interface; it holds no box logic.
    /// </summary>
    /// <remarks>
    /// Audio: capture on I2S bus 1 (the chip's I2S0, <c>Master | Rx</c>, MCLK on GPIO0), the click
    /// on I2S bus 2 (I2S1, <c>Master | Tx</c>). Both buses divide their clocks from the same
    /// 160 MHz PLL with the same divider (the legacy driver runs both from PLL_D2 unless APLL is
    /// asked for, and nanoFramework never asks), so capture and playback are frequency-locked:
    /// their frame clocks never drift apart. They start at different instants, so the two frame
    /// grids have a constant phase offset; the latency calibration measures it as part of L.
    /// </remarks>
    public sealed class Esp32ReferenceBoard : IBoard
    {
        /// <summary>nanoFramework I2S bus ids (bus n is the chip's I2S(n-1)).</summary>
        public const int CaptureI2sBus = 1;
        public const int PlaybackI2sBus = 2;

        /// <summary>The WM8960's 7-bit address (CSB/ADDR fixed by the chip).</summary>
        public const int CodecI2cAddress = 0x1A;
        public const int CodecI2cBus = 1;

        private readonly GpioController _gpio;
        private readonly I2sCapture _capture;
        private readonly I2sPlayback _playback = new I2sPlayback();
        private I2sDevice _captureDevice;
        private I2sDevice _playbackDevice;
        private DmaPlan _plan;

        public Esp32ReferenceBoard() : this(new ConsoleLog(LogLevel.Info))
        {
        }

        public Esp32ReferenceBoard(ILog log)
        {
            if (log == null) throw new ArgumentNullException("log");
            Log = log;
            _capture = new I2sCapture(log);
            RoutePins();

            _gpio = new GpioController();
            JoinButton = new GpioButton(_gpio, PinMap.JoinButton);
            Lights = new GpioStatusLights(_gpio, PinMap.LinkLed, PinMap.RecordLed, PinMap.BeatLed);
            CodecBus = new I2cRegisterBus(CodecI2cBus, CodecI2cAddress, I2cBusSpeed.FastMode);
            Codec = new Wm8960(CodecBus);
            ClickKnob = new AdcKnob(PinMap.ClickKnob);
            Card = new SdCardStorage(log);
            Network = new WifiLink(log);
            Socket = new UdpDatagramSocket(log);
            Clock = new Esp32Clock();
            BoxId = WifiMacAddress();
        }

        public string Name { get { return "esp32-reference"; } }

        /// <summary>
        /// The Wi-Fi station MAC address as a 48-bit number (first octet most significant), read
        /// once at construction from the firmware's network configuration (no connection needed);
        /// 0 when the firmware reports no Wi-Fi interface or no address.
        /// </summary>
        public ulong BoxId { get; }

        public IRegisterBus CodecBus { get; }

        /// <summary>The WM8960 driver on <see cref="CodecBus"/>.</summary>
        public IAudioCodec Codec { get; }
        public IStorage Card { get; }
        public INetworkLink Network { get; }
        public IDatagramSocket Socket { get; }
        public IClock Clock { get; }
        public IButton JoinButton { get; }
        public IStatusLights Lights { get; }
        public IAnalogKnob ClickKnob { get; }
        public ILog Log { get; }

        public IAudioIn Capture { get { return _capture; } }
        public IAudioOut Playback { get { return _playback; } }

        /// <summary>The capture binding with its board-specific state (the 24-bit workaround).</summary>
        public I2sCapture CaptureBinding { get { return _capture; } }

        /// <summary>The DMA plan of the running audio, or null (for the self-test and the budget).</summary>
        public DmaPlan AudioPlan { get { return _plan; } }

        /// <summary>
        /// Starts capture in <paramref name="format"/> (stereo; 16, 24 or 32 bit; 8–48 kHz, the
        /// WM8960's range) and 16-bit stereo playback at the same rate, with DMA sized by
        /// <see cref="DmaPlan"/> from <paramref name="blockFrames"/> and the internal RAM free now.
        /// Call it after Wi-Fi is up (Wi-Fi takes internal RAM too).
        /// <para>
        /// It aligns the two timelines and adds no depth of its own (docs/esp32-dma-sizing.md,
        /// section 6): it waits until the playback DMA has played its whole starting ring of
        /// silence, so every descriptor is free and the first <see cref="IAudioOut.Write"/> lands in
        /// the slot that plays next, then discards the capture that piled up meanwhile, so the next
        /// <see cref="IAudioIn.Read"/> returns fresh audio. The box then writes its prefill (the
        /// whole playback depth) and runs its loop (read a block, write a block). Takes about one
        /// ring of time (~180 ms with the default plan).
        /// </para>
        /// </summary>
        public bool StartAudio(PcmFormat format, int blockFrames)
        {
            if (format == null) throw new ArgumentNullException("format");
            StopAudio();
            string refusal = Refusal(format, blockFrames);
            if (refusal != null)
            {
                Log.Write(LogLevel.Error, "audio: cannot run " + format + " in blocks of " + blockFrames + " frames: " + refusal);
                return false;
            }

            uint total, free, largest;
            NativeMemory.GetMemoryInfo(NativeMemory.MemoryType.Internal, out total, out free, out largest);
            DmaPlan plan = DmaPlan.Fit(format.SampleRate, blockFrames, free);
            if (plan == null)
            {
                DmaPlan minimum = DmaPlan.Minimum(format.SampleRate, blockFrames);
                Log.Write(LogLevel.Error, "audio: " + free + " B of internal RAM free; the smallest DMA plan needs "
                    + minimum.TotalDmaBytes + " B plus " + DmaPlan.InternalRamReserveBytes + " B reserve");
                return false;
            }

            if (!TryCreateDevices(format, plan))
            {
                DmaPlan minimum = DmaPlan.Minimum(format.SampleRate, blockFrames);
                if (minimum.Descriptors >= plan.Descriptors || !TryCreateDevices(format, minimum)) return false;
                plan = minimum;
            }

            _plan = plan;
            PcmFormat clickFormat = new PcmFormat(format.SampleRate, 2, 2);
            _playback.Attach(_playbackDevice, clickFormat, plan);
            _capture.Attach(_captureDevice, format, blockFrames, plan);

            Log.Write(LogLevel.Info, "audio: capture " + format + ", click " + clickFormat + ", " + plan
                + "; internal RAM " + free + " B free before");

            // The transmit DMA starts on a ring of silence that is not yet free for writing (a
            // descriptor becomes free when it has played). Once every one has played, writes land
            // right behind the DMA: the box's prefill is then the whole depth. Then the capture
            // that piled up meanwhile goes, and nothing slow (no log line) follows before the
            // box's prefill and first read.
            Thread.Sleep(plan.RingPlayoutMilliseconds);
            if (_capture.DiscardBacklog() < 0)
            {
                Log.Write(LogLevel.Warning, "audio: capture never waited while its backlog was discarded; the click delay is constant but includes a backlog");
            }

            return true;
        }

        /// <summary>Stops both buses and frees their DMA memory (idempotent).</summary>
        public void StopAudio()
        {
            _capture.Detach();
            _playback.Detach();
            if (_captureDevice != null)
            {
                _captureDevice.Dispose();
                _captureDevice = null;
            }

            if (_playbackDevice != null)
            {
                _playbackDevice.Dispose();
                _playbackDevice = null;
            }

            _plan = null;
        }

        private bool TryCreateDevices(PcmFormat format, DmaPlan plan)
        {
            try
            {
                // Playback first: its DMA starts on silence while capture is set up.
                _playbackDevice = new I2sDevice(Settings(PlaybackI2sBus, I2sMode.Master | I2sMode.Tx,
                    I2sBitsPerSample.Bit16, format.SampleRate, plan.PlaybackBufferSize));
                // Exactly Master | Rx: the firmware routes the data-in pin only for that mode.
                _captureDevice = new I2sDevice(Settings(CaptureI2sBus, I2sMode.Master | I2sMode.Rx,
                    BitsOf(format), format.SampleRate, plan.CaptureBufferSize));
                return true;
            }
            catch (Exception e)
            {
                Log.Write(LogLevel.Error, "audio: I2S start failed with " + plan + " (" + e.GetType().Name + ": " + e.Message + ")");
                StopAudio();
                // A device whose constructor threw is never disposed by us, but its finalizer
                // disposes "its" bus and would uninstall the next, working driver on that bus.
                // Let that finalizer run now, before any retry.
                nanoFramework.Runtime.Native.GC.Run(false);
                GC.WaitForPendingFinalizers();
                return false;
            }
        }

        private static I2sConnectionSettings Settings(int bus, I2sMode mode, I2sBitsPerSample bits, int sampleRate, int bufferSize)
        {
            return new I2sConnectionSettings(bus)
            {
                Mode = mode,
                BitsPerSample = bits,
                ChannelFormat = I2sChannelFormat.RightLeft,
                CommunicationFormat = I2sCommunicationFormat.I2S,
                SampleRate = sampleRate,
                BufferSize = bufferSize,
            };
        }

        private static I2sBitsPerSample BitsOf(PcmFormat format)
        {
            switch (format.BytesPerSample)
            {
                case 2: return I2sBitsPerSample.Bit16;
                case 3: return I2sBitsPerSample.Bit24;
                default: return I2sBitsPerSample.Bit32;
            }
        }

        /// <summary>Why the board cannot run this format, or null when it can.</summary>
        private static string Refusal(PcmFormat format, int blockFrames)
        {
            if (format.Channels != 2) return "the WM8960 captures 2 channels";
            if (format.SampleRate < 8000 || format.SampleRate > 48000) return "the WM8960's ADC runs 8 to 48 kHz";
            // Multiples of 8 frames keep every firmware read a whole number of 8-byte DMA frames.
            if (blockFrames < 8 || blockFrames > 4096 || blockFrames % 8 != 0) return "blocks must be 8..4096 frames, a multiple of 8";
            return null;
        }

        /// <summary>The station MAC of the first Wi-Fi interface as a number, or 0. One-time, at construction.</summary>
        private ulong WifiMacAddress()
        {
            try
            {
                NetworkInterface[] interfaces = NetworkInterface.GetAllNetworkInterfaces();
                for (int i = 0; i < interfaces.Length; i++)
                {
                    if (interfaces[i].NetworkInterfaceType != NetworkInterfaceType.Wireless80211) continue;
                    byte[] mac = interfaces[i].PhysicalAddress;
                    if (mac == null || mac.Length < 6) continue;
                    ulong id = 0;
                    for (int b = 0; b < 6; b++) id = (id << 8) | mac[b];
                    return id;
                }
            }
            catch (Exception e)
            {
                Log.Write(LogLevel.Warning, "board: no MAC address for the box id (" + e.Message + ")");
            }

            return 0;
        }

        private static void RoutePins()
        {
            Configuration.SetPinFunction(PinMap.CaptureMclk, DeviceFunction.I2S1_MCK);
            Configuration.SetPinFunction(PinMap.CaptureBck, DeviceFunction.I2S1_BCK);
            Configuration.SetPinFunction(PinMap.CaptureWs, DeviceFunction.I2S1_WS);
            Configuration.SetPinFunction(PinMap.CaptureDataIn, DeviceFunction.I2S1_MDATA_IN);
            Configuration.SetPinFunction(PinMap.PlaybackBck, DeviceFunction.I2S2_BCK);
            Configuration.SetPinFunction(PinMap.PlaybackWs, DeviceFunction.I2S2_WS);
            Configuration.SetPinFunction(PinMap.PlaybackDataOut, DeviceFunction.I2S2_DATA_OUT);
            Configuration.SetPinFunction(PinMap.CodecI2cData, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(PinMap.CodecI2cClock, DeviceFunction.I2C1_CLOCK);
            // SD: fixed IO_MUX pins, nothing to route (see SdCardStorage).
        }
    }
}

using System;
using System.Threading;
using Octomix.Board.Esp32Reference;
using Octomix.Box;
using Octomix.Drivers.Wm8960;
using Octomix.Hal;

namespace Octomix.Device.HardwareTests
{
    /// <summary>
    /// The reference board, opened once for all test classes (its pins can be opened only once),
    /// and the settings file of its card (Wi-Fi and the host running `octomix udp-echo`).
    /// </summary>
    internal static class TestBoard
    {
        /// <summary>The format every audio test runs: the box's default.</summary>
        public const int SampleRate = 48000;
        public const int BlockFrames = 256;

        private static Esp32ReferenceBoard board;

        public static Esp32ReferenceBoard Board
        {
            get
            {
                if (board == null)
                {
                    board = new Esp32ReferenceBoard(new ConsoleLog(LogLevel.Info));
                }

                return board;
            }
        }

        public static PcmFormat Format
        {
            get { return new PcmFormat(SampleRate, 2, 2); }
        }

        /// <summary>The card's settings.txt (README.md, "Build a box"); throws when the card or the file is missing.</summary>
        public static BoxSettings CardSettings()
        {
            if (!Board.Card.Mount())
            {
                throw new InvalidOperationException("no SD card: the network tests read Wi-Fi and the host from its settings.txt");
            }

            BoxSettings settings = new BoxSettings();
            SettingsReport report = SettingsParser.Load(Board.Card, settings);
            if (!report.FileFound)
            {
                throw new InvalidOperationException(BoxSettings.FileName + " not found on the card");
            }

            return settings;
        }

        /// <summary>The WM8960 initialised for 16-bit capture, with or without the calibration routing.</summary>
        public static Wm8960 StartCodec(bool calibrationRouting)
        {
            Wm8960 codec = new Wm8960(Board.CodecBus);
            Wm8960Config config = new Wm8960Config();
            config.WordLengthBits = 16;
            BusStatus status = codec.Initialize(config);
            if (status != BusStatus.Ok)
            {
                throw new InvalidOperationException("codec: " + codec.LastError);
            }

            if (calibrationRouting && codec.SetCalibrationRouting(true) != BusStatus.Ok)
            {
                throw new InvalidOperationException("codec: " + codec.LastError);
            }

            // The analog path settles (the box waits Calibrator.SettleMilliseconds too).
            Thread.Sleep(50);
            return codec;
        }

        /// <summary>
        /// Peak of |sample| over every 4th frame of channel 0 of 16-bit stereo: sparse, like the
        /// box's level meter, so a test loop keeps up with the audio clock (a click lasts
        /// milliseconds, 4 frames are 83 µs).
        /// </summary>
        public static int PeakOfChannel0(byte[] block, int count)
        {
            int peak = 0;
            for (int i = 0; i + 1 < count; i += 16)
            {
                int v = (short)(block[i] | (block[i + 1] << 8));
                if (v < 0)
                {
                    v = -v;
                }

                if (v > peak)
                {
                    peak = v;
                }
            }

            return peak;
        }
    }
}

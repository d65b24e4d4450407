using System;
using System.Device.I2s;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using Octomix.Drivers.Click;
using Octomix.Hal;

namespace ClickSample
{
    /// <summary>
    /// Plays a 97 BPM 4/4 click with a one-bar count-in on the PCM5102A of the reference box
    /// (I2S bus 2: BCK GPIO27, LRCK GPIO32, DIN GPIO33) and prints each beat as it starts.
    /// The loop does what the box's audio loop does: Fill one block, write it, never allocate.
    /// </summary>
    public class Program
    {
        private const int BlockFrames = 256;

        public static void Main()
        {
            Configuration.SetPinFunction(27, DeviceFunction.I2S2_BCK);
            Configuration.SetPinFunction(32, DeviceFunction.I2S2_WS);
            Configuration.SetPinFunction(33, DeviceFunction.I2S2_DATA_OUT);

            var format = new PcmFormat(48000, 2, 2);
            var settings = new I2sConnectionSettings(2)
            {
                Mode = I2sMode.Master | I2sMode.Tx,
                BitsPerSample = I2sBitsPerSample.Bit16,
                ChannelFormat = I2sChannelFormat.RightLeft,
                CommunicationFormat = I2sCommunicationFormat.I2S,
                SampleRate = format.SampleRate,
                BufferSize = BlockFrames * format.FrameBytes * 4,
            };
            using (var dac = new I2sDevice(settings))
            {
                var click = new ClickGenerator(format, ClickSound.Woodblock, 60); // one-time rendering
                click.Configure(9700, 4, 4, 1);
                byte[] block = new byte[BlockFrames * format.FrameBytes];
                long frame = -click.CountInFrames;
                Console.WriteLine("count-in: " + click.CountInFrames + " frames");
                while (true)
                {
                    click.Fill(block, 0, frame, BlockFrames);
                    dac.Write(block); // blocks while the DMA queue is full: paces the loop
                    long beat = click.LastBeatStartedInFill;
                    if (beat != long.MinValue && click.IsAccent(beat)) Console.WriteLine("bar at beat " + beat);
                    frame += BlockFrames;
                    if (frame > 48000L * 60) break; // one minute of take
                }
            }
            Thread.Sleep(Timeout.Infinite);
        }
    }
}

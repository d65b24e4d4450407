using System;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using Octomix.Board.Esp32Reference;
using Octomix.Box;
using Octomix.Hal;

namespace Octomix.Firmware
{
    /// <summary>
    /// The box firmware on the reference box: picks the board, wires it to the box and runs the
    /// box for good. No logic lives here (firmware/Octomix.Firmware/README.md, "What the box does at power-up"):
    /// the boot self-test is the box's own boot (<see cref="BoxController"/>): the SD card is
    /// mounted and its speed measured (code 1 no card, code 3 too slow), the settings read (code
    /// 2, and the box waits for a fixed card), the codec initialised over I2C (code 4), Wi-Fi
    /// joined (code 5, retried), the server reached by the join (code 6, retried); every failure
    /// is a log line on the serial console and an error code on the record LED.
    /// </summary>
    public static class Program
    {
        /// <summary>How long to wait before trying to open the board again after it failed.</summary>
        private const int BoardRetryMilliseconds = 10000;

        public static void Main()
        {
            ConsoleLog log = new ConsoleLog(LogLevel.Info);
            log.Write(LogLevel.Info, "octomix box firmware starting; " + MemoryReport());
            Esp32ReferenceBoard board = OpenBoard(log);
            log.Write(LogLevel.Info, "board " + board.Name + ", box id 0x" + board.BoxId.ToString("X12"));

            // Never returns: boot self-test, network, join, then the audio loop block after block.
            // RunOnce catches what a step throws and turns it into the error state (code 9).
            new BoxController(board).Run();
        }

        /// <summary>
        /// The board, or (when its pins or native drivers cannot be opened: a firmware image
        /// without I2S, SD or Wi-Fi, a pin claimed twice) a log line every
        /// <see cref="BoardRetryMilliseconds"/> and another try. Without a board there are no
        /// lights: all three LEDs dark after power-up means "read the serial log".
        /// </summary>
        private static Esp32ReferenceBoard OpenBoard(ILog log)
        {
            while (true)
            {
                try
                {
                    return new Esp32ReferenceBoard(log);
                }
                catch (Exception e)
                {
                    log.Write(LogLevel.Error, "board: cannot open the reference board (" + e.GetType().Name + ": " + e.Message
                        + "); is this the ESP32_PSRAM_REV3 nanoCLR image? trying again in " + (BoardRetryMilliseconds / 1000) + " s");
                }

                // Let the finalizers of what the failed attempt opened release their pins first.
                nanoFramework.Runtime.Native.GC.Run(true);
                Thread.Sleep(BoardRetryMilliseconds);
            }
        }

        /// <summary>Free internal RAM (DMA, Wi-Fi) and free managed heap, for the bring-up log.</summary>
        private static string MemoryReport()
        {
            uint total, free, largest;
            NativeMemory.GetMemoryInfo(NativeMemory.MemoryType.Internal, out total, out free, out largest);
            uint heapFree = nanoFramework.Runtime.Native.GC.Run(false);
            return "internal RAM " + free + " of " + total + " B free (largest block " + largest + " B), managed heap " + heapFree + " B free";
        }
    }
}

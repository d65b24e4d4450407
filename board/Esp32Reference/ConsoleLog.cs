using System;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="ILog"/> on the serial console. Console.WriteLine, not Debug.WriteLine: the
    /// latter is compiled out of Release builds. Lines below <see cref="MinimumLevel"/> are dropped
    /// before any string is built.
    /// </summary>
    public sealed class ConsoleLog : ILog
    {
        public ConsoleLog(LogLevel minimumLevel)
        {
            MinimumLevel = minimumLevel;
        }

        public LogLevel MinimumLevel { get; set; }

        public void Write(LogLevel level, string message)
        {
            if (level < MinimumLevel) return;
            Console.WriteLine(Prefix(level) + message);
        }

        private static string Prefix(LogLevel level)
        {
            switch (level)
            {
                case LogLevel.Debug: return "[debug] ";
                case LogLevel.Info: return "[info] ";
                case LogLevel.Warning: return "[warn] ";
                default: return "[error] ";
            }
        }
    }
}

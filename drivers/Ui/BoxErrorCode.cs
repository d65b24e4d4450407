namespace Octomix.Drivers.Ui
{
    /// <summary>
    /// Error codes 1..10, blinked on the record LED in <see cref="LightPattern.Error"/> (n short
    /// blinks, pause, repeat). The box, the docs and the console share these numbers.
    /// </summary>
    public static class BoxErrorCode
    {
        /// <summary>No SD card, or it cannot be mounted.</summary>
        public const int NoSdCard = 1;
        /// <summary>The settings file on the card is missing or unreadable.</summary>
        public const int SettingsFileError = 2;
        /// <summary>The card wrote slower than the chosen audio format needs (measured at boot).</summary>
        public const int SdCardTooSlow = 3;
        /// <summary>The WM8960 does not acknowledge I2C address 0x1A.</summary>
        public const int CodecNotAnswering = 4;
        /// <summary>Wi-Fi could not be joined (wrong SSID or password, out of range).</summary>
        public const int WifiFailed = 5;
        /// <summary>The server does not answer (wrong address, server not running, firewall).</summary>
        public const int ServerNotAnswering = 6;
        /// <summary>The SD card is full.</summary>
        public const int SdCardFull = 7;
        /// <summary>Writing the recording failed for another reason than a full card.</summary>
        public const int SdWriteFailed = 8;
        /// <summary>Anything else: the audio clocks could not start, an unexpected exception.</summary>
        public const int Internal = 9;
        /// <summary>The server refused the join code (Reject reason 2): join_code in settings.txt is not the room's.</summary>
        public const int WrongJoinCode = 10;

        public const int Min = 1;
        public const int Max = 10;

        /// <summary>A short English description of <paramref name="code"/> (for logs and the console).</summary>
        public static string Describe(int code)
        {
            switch (code)
            {
                case NoSdCard: return "no SD card";
                case SettingsFileError: return "settings file missing or invalid";
                case SdCardTooSlow: return "SD card too slow for the audio format";
                case CodecNotAnswering: return "codec not answering (I2C 0x1A)";
                case WifiFailed: return "Wi-Fi failed";
                case ServerNotAnswering: return "server not answering";
                case SdCardFull: return "SD card full";
                case SdWriteFailed: return "SD card write failed";
                case Internal: return "internal error";
                case WrongJoinCode: return "wrong join code";
                default: return "unknown error code";
            }
        }
    }
}

using System;
using System.Text;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// Reads the box's settings file: UTF-8 text, one <c>key = value</c> per line, <c>#</c> or
    /// <c>;</c> starting a comment line, blank lines ignored, keys case-insensitive, values taken
    /// verbatim after trimming (put a value in double quotes to keep leading or trailing spaces).
    /// nanoFramework has no JSON, and this format is what a musician can edit in any text editor.
    /// <para>
    /// Every problem is reported with its line number and key (<see cref="SettingsReport"/>) and
    /// never throws: a bad value keeps the default; a bad value of a setting without a safe
    /// default (where to join, the audio format) is fatal, because recording in a format nobody
    /// asked for or joining the wrong room is worse than not starting. Unknown keys are warnings
    /// (a typo must not go unnoticed, but must not stop the box either).
    /// </para>
    /// </summary>
    public static class SettingsParser
    {
        public const string KeyWifiSsid = "wifi_ssid";
        public const string KeyWifiPassword = "wifi_password";
        public const string KeyServerHost = "server_host";
        public const string KeyServerPort = "server_port";
        public const string KeyJoinCode = "join_code";
        public const string KeyBoxName = "box_name";
        public const string KeyBoxId = "box_id";
        public const string KeySampleRate = "sample_rate";
        public const string KeyBits = "bits";
        public const string KeyChannels = "channels";
        public const string KeyBlockFrames = "block_frames";
        public const string KeyClickSound = "click_sound";
        public const string KeyClickLevel = "click_level";
        public const string KeyJam = "jam";
        public const string KeyDigestWhileRecording = "digest_while_recording";
        public const string KeyAutoJoin = "auto_join";
        public const string KeyRetransmitSeconds = "retransmit_seconds";
        public const string KeyPrefillBlocks = "prefill_blocks";
        public const string KeyCaptureBufferBlocks = "capture_buffer_blocks";
        public const string KeySdMarginPercent = "sd_margin_percent";
        public const string KeyChecksumSliceBytes = "checksum_slice_bytes";
        public const string KeyChecksumBudgetMicros = "checksum_budget_us";
        public const string KeyFileChunksPerBlock = "file_chunks_per_block";
        public const string KeyFileChunkBytes = "file_chunk_bytes";
        public const string KeyProgressiveEveryBlocks = "progressive_every_blocks";
        public const string KeyCardWriteBytes = "card_write_bytes";
        public const string KeyJoinRetrySeconds = "join_retry_seconds";
        public const string KeyNetworkTimeoutSeconds = "network_timeout_seconds";

        /// <summary>What <see cref="ParsePrefillBlocks"/> accepts, in words, for error messages.</summary>
        public static readonly string PrefillBlocksExpected = "auto, or " + PipelineDepth.MinBlocks + ".." + MaxPrefillBlocks + " blocks";

        /// <summary>A settings file is a few hundred bytes; anything this big is not one.</summary>
        public const int MaxFileBytes = 8192;

        /// <summary>The deepest playback pipeline a setting may ask for (the board's queue limits it further).</summary>
        public const int MaxPrefillBlocks = 64;

        /// <summary><see cref="Fingerprint"/>: no card could be mounted.</summary>
        public const ulong NoCardFingerprint = 1;

        /// <summary><see cref="Fingerprint"/>: a card, but no settings file on it.</summary>
        public const ulong NoFileFingerprint = 2;

        /// <summary><see cref="Fingerprint"/>: a card whose settings file cannot be read.</summary>
        public const ulong UnreadableFingerprint = 3;

        private static readonly string[] Keys =
        {
            KeyWifiSsid, KeyWifiPassword, KeyServerHost, KeyServerPort, KeyJoinCode, KeyBoxName, KeyBoxId,
            KeySampleRate, KeyBits, KeyChannels, KeyBlockFrames, KeyClickSound, KeyClickLevel, KeyJam,
            KeyAutoJoin, KeyRetransmitSeconds, KeyPrefillBlocks, KeyCaptureBufferBlocks, KeySdMarginPercent, KeyChecksumSliceBytes,
            KeyChecksumBudgetMicros, KeyFileChunksPerBlock, KeyFileChunkBytes, KeyCardWriteBytes, KeyJoinRetrySeconds, KeyNetworkTimeoutSeconds,
            KeyDigestWhileRecording, KeyProgressiveEveryBlocks,
        };

        /// <summary>
        /// Reads <see cref="BoxSettings.FileName"/> from the card into <paramref name="settings"/>
        /// (which holds the defaults). A missing or unreadable file is a problem in the report, not
        /// an exception. The required settings are not checked here: the caller applies its
        /// overrides first, then calls <see cref="CheckRequired"/>.
        /// </summary>
        public static SettingsReport Load(IStorage card, BoxSettings settings)
        {
            SettingsReport report = new SettingsReport();
            string text = null;
            if (card == null || !card.IsMounted)
            {
                report.Add(new SettingsProblem(0, string.Empty, "no SD card: cannot read " + BoxSettings.FileName, false));
            }
            else if (!card.Exists(BoxSettings.FileName))
            {
                report.Add(new SettingsProblem(0, string.Empty, BoxSettings.FileName + " not found on the card", false));
            }
            else
            {
                text = ReadText(card, report);
            }

            if (text != null)
            {
                report.FileFound = true;
                ParseInto(text, settings, report);
            }

            return report;
        }

        /// <summary>
        /// What the card's settings file looks like now, as one number that changes when the card
        /// is inserted or replaced or the file is edited: <see cref="NoCardFingerprint"/>,
        /// <see cref="NoFileFingerprint"/>, <see cref="UnreadableFingerprint"/>, or an FNV-1a hash
        /// of the file's length and bytes (never one of those three). Mounts the card when it is not
        /// mounted, and mounts it again once when a read fails (a card pulled and pushed back in).
        /// For a box waiting in the error state for a fixed card (reads the whole file: not for the
        /// audio loop). Never throws.
        /// </summary>
        public static ulong Fingerprint(IStorage card)
        {
            if (card == null)
            {
                return NoCardFingerprint;
            }

            for (int attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    if (attempt > 0 || !card.IsMounted)
                    {
                        if (!card.Mount())
                        {
                            return NoCardFingerprint;
                        }
                    }

                    return HashOfFile(card);
                }
                catch (Exception)
                {
                    // a card that went away under a mounted file system: mount again once
                }
            }

            return UnreadableFingerprint;
        }

        private static ulong HashOfFile(IStorage card)
        {
            if (!card.Exists(BoxSettings.FileName))
            {
                return NoFileFingerprint;
            }

            IStorageFile file = card.Open(BoxSettings.FileName, FileOpenMode.OpenRead);
            try
            {
                long length = file.Length;
                ulong h = 14695981039346656037UL ^ (ulong)length;
                h *= 1099511628211UL;
                byte[] chunk = new byte[512];
                long left = length < MaxFileBytes + 1 ? length : MaxFileBytes + 1;
                while (left > 0)
                {
                    int n = file.Read(chunk, 0, left < chunk.Length ? (int)left : chunk.Length);
                    if (n <= 0)
                    {
                        break;
                    }

                    // One-time read of a small file while the box waits in the error state.
                    for (int i = 0; i < n; i++)
                    {
                        h ^= chunk[i];
                        h *= 1099511628211UL;
                    }

                    left -= n;
                }

                return h > UnreadableFingerprint ? h : h + 16;
            }
            finally
            {
                file.Dispose();
            }
        }

        /// <summary>Parses settings text into <paramref name="settings"/> (required keys: see <see cref="CheckRequired"/>).</summary>
        public static SettingsReport Parse(string text, BoxSettings settings)
        {
            SettingsReport report = new SettingsReport();
            report.FileFound = true;
            ParseInto(text ?? string.Empty, settings, report);
            return report;
        }

        /// <summary>Adds a fatal problem when a required setting is still missing (after command-line overrides too).</summary>
        public static void CheckRequired(BoxSettings settings, SettingsReport report)
        {
            string missing = settings.MissingRequired();
            if (missing != null)
            {
                report.Add(new SettingsProblem(0, missing, missing == KeyJoinCode
                    ? "join_code is missing or invalid (1 to 16 printable ASCII characters, no spaces)"
                    : missing + " is missing: the box does not know where to join", true));
            }
        }

        private static string ReadText(IStorage card, SettingsReport report)
        {
            try
            {
                IStorageFile file = card.Open(BoxSettings.FileName, FileOpenMode.OpenRead);
                try
                {
                    long length = file.Length;
                    if (length > MaxFileBytes)
                    {
                        report.Add(new SettingsProblem(0, string.Empty, BoxSettings.FileName + " is " + length + " bytes, more than the " + MaxFileBytes + " a settings file can be", true));
                        return null;
                    }

                    byte[] bytes = new byte[(int)length];
                    int read = 0;
                    while (read < bytes.Length)
                    {
                        int n = file.Read(bytes, read, bytes.Length - read);
                        if (n <= 0)
                        {
                            break;
                        }

                        read += n;
                    }

                    int start = 0;
                    if (read >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
                    {
                        start = 3; // a UTF-8 byte order mark, as Windows editors write
                    }

                    return Encoding.UTF8.GetString(bytes, start, read - start);
                }
                finally
                {
                    file.Dispose();
                }
            }
            catch (Exception e)
            {
                report.Add(new SettingsProblem(0, string.Empty, "cannot read " + BoxSettings.FileName + ": " + e.Message, false));
                return null;
            }
        }

        private static void ParseInto(string text, BoxSettings s, SettingsReport report)
        {
            bool[] seen = new bool[Keys.Length];
            int[] seenLine = new int[Keys.Length];
            int lineNumber = 0;
            int pos = 0;
            while (pos <= text.Length)
            {
                int end = text.IndexOf('\n', pos);
                if (end < 0)
                {
                    end = text.Length;
                }

                lineNumber++;
                string line = text.Substring(pos, end - pos).Trim();
                pos = end + 1;
                if (line.Length == 0 || line[0] == '#' || line[0] == ';')
                {
                    continue;
                }

                int eq = line.IndexOf('=');
                if (eq < 0)
                {
                    report.Add(new SettingsProblem(lineNumber, string.Empty, "expected 'key = value', found '" + Shorten(line) + "'", false));
                    continue;
                }

                string key = line.Substring(0, eq).Trim().ToLower();
                string value = line.Substring(eq + 1).Trim();
                if (value.Length >= 2 && value[0] == '"' && value[value.Length - 1] == '"')
                {
                    value = value.Substring(1, value.Length - 2);
                }

                if (key.Length == 0)
                {
                    report.Add(new SettingsProblem(lineNumber, string.Empty, "a value without a key", false));
                    continue;
                }

                int k = IndexOfKey(key);
                if (k < 0)
                {
                    report.Add(new SettingsProblem(lineNumber, key, "unknown setting (ignored); docs/box.md lists the settings", false));
                    continue;
                }

                if (seen[k])
                {
                    report.Add(new SettingsProblem(lineNumber, key, "already set on line " + seenLine[k] + " (this line is ignored)", IsFatalKey(key)));
                    continue;
                }

                seen[k] = true;
                seenLine[k] = lineNumber;
                string error = Apply(s, key, value);
                if (error != null)
                {
                    report.Add(new SettingsProblem(lineNumber, key, error, IsFatalKey(key)));
                }
            }
        }

        /// <summary>Keys whose bad value stops the box rather than fall back to a default.</summary>
        private static bool IsFatalKey(string key)
        {
            return key == KeyServerHost || key == KeyServerPort || key == KeyJoinCode || key == KeySampleRate
                || key == KeyBits || key == KeyChannels || key == KeyBlockFrames;
        }

        /// <summary>Sets one value; returns null or what is wrong with it (the setting then keeps its default).</summary>
        private static string Apply(BoxSettings s, string key, string value)
        {
            int n;
            switch (key)
            {
                case KeyWifiSsid:
                    if (value.Length < 1 || value.Length > 32)
                    {
                        return "a Wi-Fi network name is 1 to 32 characters";
                    }

                    s.WifiSsid = value;
                    return null;
                case KeyWifiPassword:
                    if (value.Length > 64)
                    {
                        return "a Wi-Fi password is at most 64 characters";
                    }

                    s.WifiPassword = value;
                    return null;
                case KeyServerHost:
                    if (value.Length < 1 || value.Length > 253 || value.IndexOf(' ') >= 0)
                    {
                        return "'" + Shorten(value) + "' is not a host name or address";
                    }

                    s.ServerHost = value;
                    return null;
                case KeyServerPort:
                    if (!ParseInt(value, 1, 65535, out n))
                    {
                        return Expected(value, "a port number 1..65535");
                    }

                    s.ServerPort = n;
                    return null;
                case KeyJoinCode:
                    if (!JoinMessage.IsValidJoinCode(value))
                    {
                        return "a join code is 1 to 16 printable ASCII characters without spaces";
                    }

                    s.JoinCode = value;
                    return null;
                case KeyBoxName:
                    if (value.Length == 0)
                    {
                        return "the box name is empty (the default '" + s.BoxName + "' is used)";
                    }

                    if (Encoding.UTF8.GetBytes(value).Length > JoinMessage.MaxNameBytes)
                    {
                        s.BoxName = value;
                        return "longer than " + JoinMessage.MaxNameBytes + " bytes: the room shows it cut short";
                    }

                    s.BoxName = value;
                    return null;
                case KeyBoxId:
                    ulong id;
                    if (!ParseULong(value, out id) || id == 0)
                    {
                        return Expected(value, "a non-zero number (decimal, or hex with 0x)");
                    }

                    s.BoxId = id;
                    return null;
                case KeySampleRate:
                    if (!ParseInt(value, 8000, 192000, out n) || (n != 32000 && n != 44100 && n != 48000 && n != 88200 && n != 96000))
                    {
                        return Expected(value, "32000, 44100, 48000, 88200 or 96000");
                    }

                    s.SampleRate = n;
                    return null;
                case KeyBits:
                    if (!ParseInt(value, 16, 24, out n) || (n != 16 && n != 24))
                    {
                        return Expected(value, "16 or 24");
                    }

                    s.BitsPerSample = n;
                    return null;
                case KeyChannels:
                    if (!ParseInt(value, 1, 2, out n))
                    {
                        return Expected(value, "1 or 2");
                    }

                    s.Channels = n;
                    return null;
                case KeyBlockFrames:
                    if (!ParseInt(value, 64, 2048, out n) || (n & (n - 1)) != 0)
                    {
                        return Expected(value, "a power of two from 64 to 2048");
                    }

                    s.BlockFrames = n;
                    return null;
                case KeyClickSound:
                    n = ParseClickSound(value);
                    if (n == 0)
                    {
                        return Expected(value, "beep, woodblock or hihat");
                    }

                    s.ClickSound = n;
                    return null;
                case KeyClickLevel:
                    if (!ParseInt(value, 0, 100, out n))
                    {
                        return Expected(value, "a percentage 0..100");
                    }

                    s.ClickLevel = n;
                    return null;
                case KeyJam:
                case KeyAutoJoin:
                case KeyDigestWhileRecording:
                    bool on;
                    if (!ParseBool(value, out on))
                    {
                        return Expected(value, "on or off");
                    }

                    if (key == KeyJam)
                    {
                        s.Jam = on;
                    }
                    else if (key == KeyDigestWhileRecording)
                    {
                        s.DigestWhileRecording = on;
                    }
                    else
                    {
                        s.AutoJoin = on;
                    }

                    return null;
                case KeyRetransmitSeconds:
                    if (!ParseInt(value, 1, 10, out n))
                    {
                        return Expected(value, "1..10 seconds");
                    }

                    s.RetransmitSeconds = n;
                    return null;
                case KeyPrefillBlocks:
                    if (!ParsePrefillBlocks(value, out n))
                    {
                        return Expected(value, PrefillBlocksExpected);
                    }

                    s.PrefillBlocks = n;
                    return null;
                case KeyCaptureBufferBlocks:
                    if (!ParseInt(value, 2, 64, out n))
                    {
                        return Expected(value, "2..64 blocks");
                    }

                    s.CaptureBufferBlocks = n;
                    return null;
                case KeySdMarginPercent:
                    if (!ParseInt(value, 100, 400, out n))
                    {
                        return Expected(value, "100..400 percent");
                    }

                    s.SdMarginPercent = n;
                    return null;
                case KeyChecksumSliceBytes:
                    if (!ParseInt(value, 512, 65536, out n) || n % 8 != 0)
                    {
                        return Expected(value, "a multiple of 8 from 512 to 65536");
                    }

                    s.ChecksumSliceBytes = n;
                    return null;
                case KeyChecksumBudgetMicros:
                    if (value.ToLower() == "auto")
                    {
                        s.ChecksumBudgetMicros = 0;
                        return null;
                    }

                    if (!ParseInt(value, 100, 100000, out n))
                    {
                        return Expected(value, "auto, or 100..100000 microseconds per loop turn");
                    }

                    s.ChecksumBudgetMicros = n;
                    return null;
                case KeyFileChunksPerBlock:
                    if (!ParseInt(value, 1, 8, out n))
                    {
                        return Expected(value, "1..8");
                    }

                    s.FileChunksPerBlock = n;
                    return null;
                case KeyProgressiveEveryBlocks:
                    if (!ParseInt(value, 0, BoxSettings.MaxProgressiveEveryBlocks, out n))
                    {
                        return Expected(value, "0 (off) or 1.." + BoxSettings.MaxProgressiveEveryBlocks + " blocks between two FileData chunks while recording");
                    }

                    s.ProgressiveEveryBlocks = n;
                    return null;
                case KeyFileChunkBytes:
                    if (!ParseInt(value, TakeFileServer.MinChunkBytes, TakeFileServer.MaxChunkBytes, out n))
                    {
                        return Expected(value, TakeFileServer.MinChunkBytes + ".." + TakeFileServer.MaxChunkBytes + " bytes of file data per FileData datagram");
                    }

                    s.FileChunkBytes = n;
                    return null;
                case KeyCardWriteBytes:
                    if (!ParseInt(value, 0, Recorder.MaxCardWriteBytes, out n) || n % 512 != 0)
                    {
                        return Expected(value, "0 (every block written by the audio loop) or a multiple of 512 up to " + Recorder.MaxCardWriteBytes + " bytes per card write of the native writer");
                    }

                    s.CardWriteBytes = n;
                    return null;
                case KeyJoinRetrySeconds:
                    if (!ParseInt(value, 0, 600, out n))
                    {
                        return Expected(value, "0..600 seconds (0 = only on a button press)");
                    }

                    s.JoinRetrySeconds = n;
                    return null;
                case KeyNetworkTimeoutSeconds:
                    if (!ParseInt(value, 1, 120, out n))
                    {
                        return Expected(value, "1..120 seconds");
                    }

                    s.NetworkTimeoutSeconds = n;
                    return null;
                default:
                    return "unknown setting";
            }
        }

        /// <summary>
        /// A <c>prefill_blocks</c> value: <c>auto</c> (any case) gives 0, the automatic depth
        /// (<see cref="PipelineDepth"/>); a whole number from <see cref="PipelineDepth.MinBlocks"/>
        /// to <see cref="MaxPrefillBlocks"/> gives itself. The settings file and `octomix box
        /// --prefill` both use this, so they accept the same values.
        /// </summary>
        public static bool ParsePrefillBlocks(string value, out int blocks)
        {
            blocks = 0;
            if (value == null)
            {
                return false;
            }

            if (value.ToLower() == "auto")
            {
                return true;
            }

            return ParseInt(value, PipelineDepth.MinBlocks, MaxPrefillBlocks, out blocks);
        }

        /// <summary>The value <see cref="ParsePrefillBlocks"/> reads back as <paramref name="blocks"/> (0 = <c>auto</c>).</summary>
        public static string FormatPrefillBlocks(int blocks)
        {
            return blocks <= 0 ? "auto" : blocks.ToString();
        }

        /// <summary>1, 2, 3 for beep, woodblock, hi-hat (names or the numbers of the Record message); 0 otherwise.</summary>
        public static int ParseClickSound(string value)
        {
            string v = value.ToLower();
            if (v == "beep" || v == "1")
            {
                return 1;
            }

            if (v == "woodblock" || v == "2")
            {
                return 2;
            }

            if (v == "hihat" || v == "hi-hat" || v == "3")
            {
                return 3;
            }

            return 0;
        }

        public static bool ParseBool(string value, out bool result)
        {
            string v = value.ToLower();
            result = v == "on" || v == "true" || v == "yes" || v == "1";
            return result || v == "off" || v == "false" || v == "no" || v == "0";
        }

        /// <summary>Decimal digits only (no sign, no spaces, no exponent), within [min, max].</summary>
        public static bool ParseInt(string value, int min, int max, out int result)
        {
            result = 0;
            if (value.Length == 0 || value.Length > 10)
            {
                return false;
            }

            long v = 0;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                v = (v * 10) + (c - '0');
            }

            if (v < min || v > max)
            {
                return false;
            }

            result = (int)v;
            return true;
        }

        private static bool ParseULong(string value, out ulong result)
        {
            result = 0;
            bool hex = value.Length > 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'X');
            int start = hex ? 2 : 0;
            int digits = value.Length - start;
            if (digits < 1 || digits > (hex ? 16 : 19))
            {
                return false;
            }

            for (int i = start; i < value.Length; i++)
            {
                char c = value[i];
                int d;
                if (c >= '0' && c <= '9')
                {
                    d = c - '0';
                }
                else if (hex && c >= 'a' && c <= 'f')
                {
                    d = c - 'a' + 10;
                }
                else if (hex && c >= 'A' && c <= 'F')
                {
                    d = c - 'A' + 10;
                }
                else
                {
                    return false;
                }

                result = (result * (ulong)(hex ? 16 : 10)) + (ulong)d;
            }

            return true;
        }

        private static int IndexOfKey(string key)
        {
            for (int i = 0; i < Keys.Length; i++)
            {
                if (Keys[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }

        private static string Expected(string value, string what)
        {
            return "'" + Shorten(value) + "' is not valid: expected " + what;
        }

        private static string Shorten(string s)
        {
            return s.Length <= 40 ? s : s.Substring(0, 40) + "...";
        }
    }
}

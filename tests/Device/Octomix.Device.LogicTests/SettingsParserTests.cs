using nanoFramework.TestFramework;
using Octomix.Box;

namespace Octomix.Device.LogicTests
{
    /// <summary>The settings file format of docs/box.md, parsed by the box's runtime.</summary>
    [TestClass]
    public class SettingsParserTests
    {
        /// <summary>The example of docs/box.md and README.md, "Build a box", with Windows line endings.</summary>
        private const string Example =
            "# Octomix box settings\r\n" +
            "wifi_ssid = Studio Net\r\n" +
            "wifi_password = \"correct horse battery staple\"\r\n" +
            "server_host = 192.168.1.20\r\n" +
            "server_port = 7891\r\n" +
            "join_code = BLUE42\r\n" +
            "box_name = Anna bass\r\n" +
            "sample_rate = 48000\r\n" +
            "bits = 24\r\n" +
            "channels = 2\r\n" +
            "block_frames = 256\r\n" +
            "click_sound = woodblock\r\n" +
            "click_level = 80\r\n" +
            "jam = off\r\n";

        [TestMethod]
        public void TheDocumentedExampleGivesItsValues()
        {
            BoxSettings s = new BoxSettings();
            SettingsReport report = SettingsParser.Parse(Example, s);
            SettingsParser.CheckRequired(s, report);
            Assert.AreEqual(0, report.Count, report.Count > 0 ? report.First.ToString() : string.Empty);
            Assert.AreEqual("Studio Net", s.WifiSsid);
            Assert.AreEqual("correct horse battery staple", s.WifiPassword);
            Assert.AreEqual("192.168.1.20", s.ServerHost);
            Assert.AreEqual(7891, s.ServerPort);
            Assert.AreEqual("BLUE42", s.JoinCode);
            Assert.AreEqual("Anna bass", s.BoxName);
            Assert.AreEqual(48000, s.SampleRate);
            Assert.AreEqual(24, s.BitsPerSample);
            Assert.AreEqual(2, s.Channels);
            Assert.AreEqual(256, s.BlockFrames);
            Assert.AreEqual(2, s.ClickSound);
            Assert.AreEqual(80, s.ClickLevel);
            Assert.IsFalse(s.Jam);
            Assert.AreEqual(0, s.PrefillBlocks, "prefill_blocks not set: auto");
            Assert.AreEqual(6, s.Format.FrameBytes, "24-bit stereo, packed");
        }

        [TestMethod]
        public void ABadFormatValueIsFatalAndNamesItsLine()
        {
            BoxSettings s = new BoxSettings();
            SettingsReport report = SettingsParser.Parse("server_host = h\njoin_code = A1\nbits = 20\n", s);
            Assert.IsTrue(report.HasFatal);
            Assert.AreEqual(16, s.BitsPerSample, "the default is kept");
            string text = report.First.ToString();
            Assert.IsTrue(text.IndexOf("line 3 ('bits')") >= 0, text);
        }

        [TestMethod]
        public void AnUnknownKeyIsAWarningAndABadClickLevelKeepsTheDefault()
        {
            BoxSettings s = new BoxSettings();
            SettingsReport report = SettingsParser.Parse("server_host = h\njoin_code = A1\nsmaple_rate = 1\nclick_level = 150\nprefill_blocks = auto\n", s);
            Assert.IsFalse(report.HasFatal);
            Assert.AreEqual(2, report.Count);
            Assert.IsTrue(report[0].ToString().IndexOf("line 3 ('smaple_rate'): unknown setting") >= 0, report[0].ToString());
            Assert.AreEqual(80, s.ClickLevel);
            Assert.AreEqual(0, s.PrefillBlocks);
        }

        [TestMethod]
        public void WithoutServerAndJoinCodeTheBoxCannotStart()
        {
            BoxSettings s = new BoxSettings();
            SettingsReport report = SettingsParser.Parse("wifi_ssid = x\n", s);
            SettingsParser.CheckRequired(s, report);
            Assert.IsTrue(report.HasFatal);
            Assert.AreEqual("server_host", report.First.Key);
        }
    }
}

using Octomix.Box;
using Octomix.Drivers.Ui;

namespace Octomix.Box.Tests;

public class SettingsTests
{
    private const string Good = "\uFEFF# Octomix box settings\r\n" +
        "wifi_ssid = Studio Net\r\n" +
        "wifi_password = \" spaces kept \"\r\n" +
        "; another comment\r\n" +
        "\r\n" +
        "server_host = 192.168.1.20\r\n" +
        "server_port = 7892\r\n" +
        "JOIN_CODE = BLUE42\r\n" +
        "box_name = Anna bass\r\n" +
        "box_id = 0x00AABBCCDDEEFF01\r\n" +
        "sample_rate = 44100\r\n" +
        "bits = 24\r\n" +
        "channels = 1\r\n" +
        "block_frames = 512\r\n" +
        "click_sound = woodblock\r\n" +
        "click_level = 65\r\n" +
        "jam = on\r\n" +
        "auto_join = yes\r\n" +
        "retransmit_seconds = 3\r\n" +
        "prefill_blocks = 6\r\n" +
        "sd_margin_percent = 200\r\n" +
        "checksum_slice_bytes = 8192\r\n" +
        "checksum_budget_us = 2000\r\n" +
        "file_chunks_per_block = 3\r\n" +
        "file_chunk_bytes = 1024\r\n" +
        "join_retry_seconds = 0\r\n" +
        "network_timeout_seconds = 30\r\n";

    [Fact]
    public void AGoodFileSetsEveryValue()
    {
        var s = new BoxSettings();
        var report = SettingsParser.Parse(Good.TrimStart('\uFEFF'), s);
        Assert.Equal(0, report.Count);
        Assert.Equal("Studio Net", s.WifiSsid);
        Assert.Equal(" spaces kept ", s.WifiPassword);
        Assert.Equal("192.168.1.20", s.ServerHost);
        Assert.Equal(7892, s.ServerPort);
        Assert.Equal("BLUE42", s.JoinCode);
        Assert.Equal("Anna bass", s.BoxName);
        Assert.Equal(0x00AABBCCDDEEFF01UL, s.BoxId);
        Assert.Equal(0x00AABBCCDDEEFF01UL, s.EffectiveBoxId);
        Assert.Equal(44100, s.SampleRate);
        Assert.Equal(24, s.BitsPerSample);
        Assert.Equal(3, s.BytesPerSample);
        Assert.Equal(1, s.Channels);
        Assert.Equal(512, s.BlockFrames);
        Assert.Equal(2, s.ClickSound);
        Assert.Equal(65, s.ClickLevel);
        Assert.True(s.Jam);
        Assert.True(s.AutoJoin);
        Assert.Equal(3, s.RetransmitSeconds);
        Assert.Equal(6, s.PrefillBlocks);
        Assert.Equal(200, s.SdMarginPercent);
        Assert.Equal(8192, s.ChecksumSliceBytes);
        Assert.Equal(2000, s.ChecksumBudgetMicros);
        Assert.Equal(3, s.FileChunksPerBlock);
        Assert.Equal(1024, s.FileChunkBytes);
        Assert.Equal(0, s.JoinRetrySeconds);
        Assert.Equal(30, s.NetworkTimeoutSeconds);
    }

    [Fact]
    public void AGoodFileOnTheCardWithByteOrderMarkAndCrLfIsRead()
    {
        using var h = new BoxHarness(settingsText: Good.Replace("192.168.1.20", "127.0.0.1", StringComparison.Ordinal).Replace("auto_join = yes", "auto_join = no", StringComparison.Ordinal));
        h.RunUntil(c => c.State == BoxState.Idle, 10);
        Assert.Equal(BoxState.Idle, h.Controller.State);
        Assert.True(h.Controller.SettingsReport.FileFound);
        Assert.Equal(0, h.Controller.SettingsReport.Count);
        Assert.Equal(44100, h.Controller.Format.SampleRate);
        Assert.Equal(3, h.Controller.Format.BytesPerSample);
        Assert.Equal(1, h.Controller.Format.Channels);
        Assert.Equal(512, h.Controller.Loop!.BlockFrames);
    }

    [Fact]
    public void DefaultsAreSafeAndOnlyTheServerAndJoinCodeAreRequired()
    {
        var s = new BoxSettings();
        Assert.Equal(48000, s.SampleRate);
        Assert.Equal(16, s.BitsPerSample);
        Assert.Equal(2, s.Channels);
        Assert.Equal(256, s.BlockFrames);
        Assert.Equal(7891, s.ServerPort);
        Assert.False(s.Jam);
        Assert.Equal(2, s.FileChunksPerBlock);
        Assert.Equal(512, s.FileChunkBytes);
        Assert.Equal(SettingsParser.KeyServerHost, s.MissingRequired());
        s.ServerHost = "h";
        Assert.Equal(SettingsParser.KeyJoinCode, s.MissingRequired());
        s.JoinCode = "X";
        Assert.Null(s.MissingRequired());
    }

    [Theory]
    [InlineData("bits = 20", "bits", true, "16 or 24")]
    [InlineData("sample_rate = 48k", "sample_rate", true, "48000")]
    [InlineData("channels = 3", "channels", true, "1 or 2")]
    [InlineData("block_frames = 300", "block_frames", true, "power of two")]
    [InlineData("server_port = 70000", "server_port", true, "1..65535")]
    [InlineData("join_code = has space", "join_code", true, "printable ASCII")]
    [InlineData("server_host = two words", "server_host", true, "not a host")]
    [InlineData("click_level = 150", "click_level", false, "0..100")]
    [InlineData("click_sound = cowbell", "click_sound", false, "beep, woodblock or hihat")]
    [InlineData("jam = maybe", "jam", false, "on or off")]
    [InlineData("prefill_blocks = 1", "prefill_blocks", false, "auto, or 2..64")]
    [InlineData("prefill_blocks = 65", "prefill_blocks", false, "auto, or 2..64")]
    [InlineData("checksum_slice_bytes = 1001", "checksum_slice_bytes", false, "multiple of 8")]
    [InlineData("checksum_budget_us = 50", "checksum_budget_us", false, "auto, or 100..100000")]
    [InlineData("checksum_budget_us = 2ms", "checksum_budget_us", false, "auto, or 100..100000")]
    [InlineData("file_chunk_bytes = 63", "file_chunk_bytes", false, "64..1372 bytes")]
    [InlineData("file_chunk_bytes = 1373", "file_chunk_bytes", false, "64..1372 bytes")]
    [InlineData("file_chunk_bytes = 512b", "file_chunk_bytes", false, "64..1372 bytes")]
    [InlineData("file_chunks_per_block = 0", "file_chunks_per_block", false, "1..8")]
    [InlineData("progressive_every_blocks = 257", "progressive_every_blocks", false, "0 (off) or 1..256 blocks")]
    [InlineData("progressive_every_blocks = -1", "progressive_every_blocks", false, "0 (off) or 1..256 blocks")]
    [InlineData("progressive_every_blocks = 8x", "progressive_every_blocks", false, "0 (off) or 1..256 blocks")]
    [InlineData("box_id = 0xZZ", "box_id", false, "non-zero number")]
    [InlineData("wifi_ssid = ", "wifi_ssid", false, "1 to 32")]
    public void ABadValueNamesItsLineAndKeyAndKeepsTheDefault(string line, string key, bool fatal, string expected)
    {
        var s = new BoxSettings();
        var defaults = new BoxSettings();
        string text = "server_host = 10.0.0.1\njoin_code = ABC\n# comment\n" + line + "\n";
        if (key is "server_host" or "join_code")
        {
            text = line + "\nserver_host = 10.0.0.1\njoin_code = ABC\n".Replace(key + " = " + (key == "server_host" ? "10.0.0.1" : "ABC") + "\n", string.Empty, StringComparison.Ordinal);
        }

        var report = SettingsParser.Parse(text, s);
        var problem = Enumerable.Range(0, report.Count).Select(i => report[i]).First(p => p.Key == key);
        Assert.Equal(fatal, problem.Fatal);
        Assert.Equal(key is "server_host" or "join_code" ? 1 : 4, problem.Line);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Contains("line " + problem.Line + " ('" + key + "')", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(fatal, report.HasFatal);
        if (key == "bits")
        {
            Assert.Equal(defaults.BitsPerSample, s.BitsPerSample);
        }

        if (key == "click_level")
        {
            Assert.Equal(defaults.ClickLevel, s.ClickLevel);
        }

        if (key == "file_chunk_bytes")
        {
            Assert.Equal(defaults.FileChunkBytes, s.FileChunkBytes);
        }

        if (key == "progressive_every_blocks")
        {
            Assert.Equal(defaults.ProgressiveEveryBlocks, s.ProgressiveEveryBlocks);
        }
    }

    [Theory]
    [InlineData("file_chunk_bytes = 64", 64)]
    [InlineData("file_chunk_bytes = 1372", 1372)]
    [InlineData("", 512)]
    public void TheFileChunkSizeReachesTheFileServer(string line, int bytes)
    {
        using var h = new BoxHarness(extraSettings: line);
        h.JoinAndCalibrate();
        Assert.Equal(0, h.Controller.SettingsReport.Count);
        Assert.Equal(bytes, h.Controller.Files.ChunkBytes);
    }

    [Fact]
    public void MalformedLinesUnknownKeysAndDuplicatesAreReportedWithLineNumbers()
    {
        var s = new BoxSettings();
        var report = SettingsParser.Parse("server_host = a\njust some words\nsmaple_rate = 48000\njoin_code = A\njoin_code = B\n= 5\n", s);
        Assert.Equal(4, report.Count);
        Assert.Equal(2, report[0].Line);
        Assert.Contains("expected 'key = value'", report[0].Message, StringComparison.Ordinal);
        Assert.Equal(3, report[1].Line);
        Assert.Equal("smaple_rate", report[1].Key);
        Assert.Contains("unknown setting", report[1].Message, StringComparison.Ordinal);
        Assert.False(report[1].Fatal);
        Assert.Equal(5, report[2].Line);
        Assert.Contains("already set on line 4", report[2].Message, StringComparison.Ordinal);
        Assert.True(report[2].Fatal); // two join codes: which room did the musician mean?
        Assert.Equal("A", s.JoinCode);
        Assert.Equal(6, report[3].Line);
        Assert.Contains("without a key", report[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileIsReportedAndTheMissingServerIsFatal()
    {
        string folder = Path.Combine(Path.GetTempPath(), "octomix-settings-" + Guid.NewGuid().ToString("N"));
        var card = new Octomix.Board.Simulated.SimulatedCard(folder, new Octomix.Board.Simulated.SimulatedTime(false));
        Assert.True(card.Mount());
        var s = new BoxSettings();
        var report = SettingsParser.Load(card, s);
        Assert.False(report.FileFound);
        Assert.Contains("settings.txt not found", report[0].Message, StringComparison.Ordinal);
        Assert.False(report.HasFatal);
        SettingsParser.CheckRequired(s, report);
        Assert.True(report.HasFatal);
        Assert.Equal("server_host", report.First!.Key);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void AHugeFileIsRefused()
    {
        string folder = Path.Combine(Path.GetTempPath(), "octomix-settings-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "settings.txt"), new string('#', 20000));
        var card = new Octomix.Board.Simulated.SimulatedCard(folder, new Octomix.Board.Simulated.SimulatedTime(false));
        Assert.True(card.Mount());
        var report = SettingsParser.Load(card, new BoxSettings());
        Assert.True(report.HasFatal);
        Assert.Contains("8192", report[0].Message, StringComparison.Ordinal);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void ABoxWithABadSettingsFileShowsErrorCode2AndNamesTheLine()
    {
        using var h = new BoxHarness(extraSettings: "bits = 20");
        h.RunUntil(c => c.State == BoxState.Error, 10);
        Assert.Equal(BoxState.Error, h.Controller.State);
        Assert.Equal(BoxEvent.SettingsError, h.Controller.LastEvent);
        Assert.Equal(BoxErrorCode.SettingsFileError, h.Controller.ErrorCode);
        Assert.Equal(LightPattern.Error, h.Controller.Lights.Pattern);
        Assert.Equal(BoxErrorCode.SettingsFileError, h.Controller.Lights.ErrorCode);
        Assert.Contains("line 7 ('bits')", h.Log(), StringComparison.Ordinal);
        Assert.Contains("booting -> error on settings error", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void ABoxWithoutASettingsFileShowsErrorCode2()
    {
        using var h = new BoxHarness(settingsText: string.Empty);
        h.RunUntil(c => c.State == BoxState.Error, 10);
        Assert.Equal(BoxState.Error, h.Controller.State);
        Assert.Equal(BoxErrorCode.SettingsFileError, h.Controller.ErrorCode);
        Assert.Contains("settings.txt not found", h.Log(), StringComparison.Ordinal);
        Assert.Contains("server_host is missing", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void ANonFatalProblemFlashesTheCodeButTheBoxRuns()
    {
        using var h = new BoxHarness(extraSettings: "click_level = 150\nsmaple_rate = 1");
        h.JoinAndCalibrate();
        Assert.Contains("line 7 ('click_level')", h.Log(), StringComparison.Ordinal);
        Assert.Contains("line 8 ('smaple_rate'): unknown setting", h.Log(), StringComparison.Ordinal);
        Assert.Equal(80, h.Controller.Settings.ClickLevel);
    }
}

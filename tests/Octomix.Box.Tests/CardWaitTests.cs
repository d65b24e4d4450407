using Octomix.Board.Simulated;
using Octomix.Drivers.Ui;

namespace Octomix.Box.Tests;

/// <summary>
/// Settings errors never brick the box: it shows the code and looks at the card once a second;
/// when a card is inserted, replaced or its settings file edited, it boots again by itself.
/// </summary>
public class CardWaitTests
{
    private const long PollMicros = BoxController.CardPollMilliseconds * 1000L;

    [Fact]
    public void AFixedSettingsFileBootsTheBoxWithoutAPress()
    {
        using var h = new BoxHarness(extraSettings: "bits = 20");
        Assert.True(h.RunUntil(c => c.State == BoxState.Error, 10));
        Assert.Equal(BoxErrorCode.SettingsFileError, h.Controller.ErrorCode);

        // unchanged: the box keeps showing code 2, however long it waits
        for (int i = 0; i < 5; i++)
        {
            h.Board.Time.Spend(PollMicros + 1000);
            h.Run(2);
        }

        Assert.Equal(BoxState.Error, h.Controller.State);
        Assert.Equal(BoxErrorCode.SettingsFileError, h.Controller.Lights.ErrorCode);

        string path = Path.Combine(h.CardFolder, "settings.txt");
        File.WriteAllText(path, File.ReadAllText(path).Replace("bits = 20", "bits = 24", StringComparison.Ordinal));
        h.Run(2);
        Assert.Equal(BoxState.Error, h.Controller.State); // looks again only after the poll interval
        h.Board.Time.Spend(PollMicros + 1000);
        Assert.True(h.RunUntil(c => c.State != BoxState.Error, 10), h.Log());
        h.JoinAndCalibrate();
        Assert.True(h.Saw(BoxState.Error, BoxState.Booting, BoxEvent.CardChanged), h.Log());
        Assert.Equal(24, h.Controller.Settings.BitsPerSample);
        Assert.Equal(0, h.Controller.ErrorCode);
    }

    [Fact]
    public void NoCardIsCodeOneAndInsertingOneBootsTheBox()
    {
        using var h = new BoxHarness(o => o.CardPresent = false);
        Assert.True(h.RunUntil(c => c.State == BoxState.Error, 10));
        Assert.Equal(BoxErrorCode.NoSdCard, h.Controller.ErrorCode);
        Assert.Equal(BoxErrorCode.NoSdCard, h.Controller.Lights.ErrorCode);
        Assert.Equal(BoxEvent.BootFailed, h.Controller.LastEvent);
        Assert.Contains("insert a card with settings.txt", h.Log(), StringComparison.Ordinal);

        h.Board.Time.Spend(PollMicros + 1000);
        h.Run(2);
        Assert.Equal(BoxState.Error, h.Controller.State);

        h.Board.SimulatedCard.Present = true; // the card BoxHarness wrote goes in
        h.Board.Time.Spend(PollMicros + 1000);
        Assert.True(h.RunUntil(c => c.State != BoxState.Error, 10), h.Log());
        h.JoinAndCalibrate();
        Assert.True(h.Saw(BoxState.Error, BoxState.Booting, BoxEvent.CardChanged), h.Log());
    }

    [Fact]
    public void AMissingFileThatAppearsBootsTheBox()
    {
        using var h = new BoxHarness(settingsText: string.Empty);
        Assert.True(h.RunUntil(c => c.State == BoxState.Error, 10));
        Assert.Equal(BoxErrorCode.SettingsFileError, h.Controller.ErrorCode);
        SimulatedBox.WriteSettings(h.CardFolder, "server_host = 127.0.0.1\nserver_port = " + h.Server.Port + "\njoin_code = LATE1\nauto_join = on\n");
        h.Board.Time.Spend(PollMicros + 1000);
        Assert.True(h.RunUntil(c => c.State != BoxState.Error, 10), h.Log());
        h.JoinAndCalibrate();
        Assert.Equal("LATE1", h.Controller.Settings.JoinCode);
    }

    [Fact]
    public void TheFingerprintTellsNoCardNoFileAndContentApart()
    {
        string folder = Path.Combine(Path.GetTempPath(), "octomix-fingerprint-" + Guid.NewGuid().ToString("N"));
        try
        {
            var card = new SimulatedCard(folder, new SimulatedTime(false)) { Present = false };
            Assert.Equal(SettingsParser.NoCardFingerprint, SettingsParser.Fingerprint(card));
            card.Present = true;
            Assert.Equal(SettingsParser.NoFileFingerprint, SettingsParser.Fingerprint(card));
            Assert.True(card.IsMounted); // the fingerprint mounted it
            File.WriteAllText(Path.Combine(folder, "settings.txt"), "join_code = A\n");
            ulong a = SettingsParser.Fingerprint(card);
            File.WriteAllText(Path.Combine(folder, "settings.txt"), "join_code = B\n");
            ulong b = SettingsParser.Fingerprint(card);
            Assert.True(a > SettingsParser.UnreadableFingerprint && b > SettingsParser.UnreadableFingerprint);
            Assert.NotEqual(a, b);
            Assert.Equal(b, SettingsParser.Fingerprint(card));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }
}

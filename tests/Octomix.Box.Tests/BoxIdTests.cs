using Octomix.Board.Simulated;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The box id in Join comes from the hardware (the ESP32's MAC; the simulated board's name and
/// seed), unless the settings name one; a board without an id falls back to a hash of the name.
/// </summary>
public class BoxIdTests
{
    [Fact]
    public void JoinCarriesTheBoardsHardwareId()
    {
        using var h = new BoxHarness(o => { o.Name = "box under test"; o.Seed = 5; });
        h.JoinAndCalibrate();
        var join = h.Server.Decoded(MessageType.Join, () => new JoinMessage()).First();
        Assert.Equal(SimulatedBoard.HardwareIdOf("box under test", 5), join.BoxId);
        Assert.Equal(h.Board.BoxId, join.BoxId);
        Assert.NotEqual(h.Controller.Settings.EffectiveBoxId, join.BoxId); // not the name's hash
    }

    [Fact]
    public void ABoxIdInTheSettingsWins()
    {
        using var h = new BoxHarness(extraSettings: "box_id = 0x00AABBCCDDEEFF01");
        h.JoinAndCalibrate();
        var join = h.Server.Decoded(MessageType.Join, () => new JoinMessage()).First();
        Assert.Equal(0x00AABBCCDDEEFF01UL, join.BoxId);
    }

    [Fact]
    public void TheIdIsTheSettingElseTheHardwareElseTheNamesHash()
    {
        var s = new BoxSettings { BoxName = "Anna" };
        ulong nameHash = s.BoxIdOn(0);
        Assert.NotEqual(0UL, nameHash);
        Assert.Equal(nameHash, s.EffectiveBoxId);
        Assert.Equal(0x0242AC110002UL, s.BoxIdOn(0x0242AC110002UL));
        s.BoxId = 77;
        Assert.Equal(77UL, s.BoxIdOn(0x0242AC110002UL));
        Assert.Equal(77UL, s.BoxIdOn(0));
    }

    [Fact]
    public void TheSimulatedIdLooksLikeALocallyAdministeredMacAndIsStable()
    {
        ulong a = SimulatedBoard.HardwareIdOf("simulated Anna-1", 1);
        ulong b = SimulatedBoard.HardwareIdOf("simulated Anna-2", 2);
        Assert.Equal(a, SimulatedBoard.HardwareIdOf("simulated Anna-1", 1));
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, SimulatedBoard.HardwareIdOf("simulated Anna-1", 2));
        foreach (ulong id in new[] { a, b })
        {
            Assert.Equal(0UL, id >> 48);                 // 48 bits, like a MAC
            Assert.Equal(0x02UL, (id >> 40) & 0x03);     // locally administered, unicast
        }
    }
}

using Octomix.Hal;

namespace Octomix.Drivers.Tests.Ui;

public sealed class FakeButton : IButton
{
    public bool IsPressed { get; set; }
}

public sealed class FakeLights(bool keepHistory = true) : IStatusLights
{
    public List<int> Shown { get; } = new();
    public int Last { get; private set; } = -1;
    public int Calls { get; private set; }

    public void Show(int mask)
    {
        Last = mask;
        Calls++;
        if (keepHistory) Shown.Add(mask); // the list grows: allocation tests turn it off
    }
}

public sealed class FakeKnob : IAnalogKnob
{
    public int MaxValue { get; set; } = 4095;
    public int Value { get; set; }
    public int Reads { get; private set; }
    public int Read() { Reads++; return Value; }
}

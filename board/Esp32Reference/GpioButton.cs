using System.Device.Gpio;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// The join button as a raw level: an input with an external pull-up, pressed = low.
    /// Polled (one native read per call) and debounced by the button driver; no edge interrupt,
    /// because GPIO36 glitches while the ADCs run (see <see cref="PinMap.JoinButton"/>).
    /// </summary>
    public sealed class GpioButton : IButton
    {
        private readonly GpioPin _pin;

        /// <param name="controller">The board's shared controller (the board owns and keeps it).</param>
        /// <param name="pin">An input-only pin has no internal pull-up: the pull-up must be on the board.</param>
        public GpioButton(GpioController controller, int pin)
        {
            _pin = controller.OpenPin(pin, PinMode.Input);
        }

        public bool IsPressed { get { return _pin.Read() == PinValue.Low; } }
    }
}

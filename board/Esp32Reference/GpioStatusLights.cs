using System.Device.Gpio;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// The link, record and beat LEDs (active high). <see cref="Show"/> writes only the pins whose
    /// state changed, so the beat LED costs one native call per beat edge, not three per block.
    /// </summary>
    public sealed class GpioStatusLights : IStatusLights
    {
        private readonly GpioPin _link;
        private readonly GpioPin _record;
        private readonly GpioPin _beat;
        private int _shown;

        public GpioStatusLights(GpioController controller, int linkPin, int recordPin, int beatPin)
        {
            _link = OpenDark(controller, linkPin);
            _record = OpenDark(controller, recordPin);
            _beat = OpenDark(controller, beatPin);
            _shown = 0;
        }

        public void Show(int mask)
        {
            int changed = (mask ^ _shown) & (StatusLight.Link | StatusLight.Record | StatusLight.Beat);
            if (changed == 0) return;
            if ((changed & StatusLight.Link) != 0) Set(_link, mask & StatusLight.Link);
            if ((changed & StatusLight.Record) != 0) Set(_record, mask & StatusLight.Record);
            if ((changed & StatusLight.Beat) != 0) Set(_beat, mask & StatusLight.Beat);
            _shown = mask & (StatusLight.Link | StatusLight.Record | StatusLight.Beat);
        }

        private static GpioPin OpenDark(GpioController controller, int pin)
        {
            GpioPin gpio = controller.OpenPin(pin, PinMode.Output);
            gpio.Write(PinValue.Low);
            return gpio;
        }

        private static void Set(GpioPin pin, int bit)
        {
            pin.Write(bit != 0 ? PinValue.High : PinValue.Low);
        }
    }
}

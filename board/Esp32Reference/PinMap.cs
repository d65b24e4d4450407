namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// Every GPIO the reference box uses (ESP32-WROVER-E), matching the pin table of
    /// docs/hardware.md (../shared/design/hardware.md). This is the only file that names pin
    /// numbers; the bindings take them from here.
    /// </summary>
    /// <remarks>
    /// Format, kept plain on purpose so a test can parse it and compare it with the KiCad netlist:
    /// one <c>public const int Name = GPIO;</c> per line, followed on the same line by a comment
    /// that starts with the signal as hardware.md names it, an arrow (→ ← ↔) and the part pin it is
    /// wired to, up to the first full stop: "I2S1 BCK → WM8960 BCLK." The part is a part's value or
    /// Function field in schematics/octomix-box, the last word one of its pin names; the test
    /// tests/Octomix.Schematics.Tests checks every constant against the netlist.
    ///
    /// Pins deliberately left alone: GPIO6–11 (the module's SPI flash), GPIO16/17 (the WROVER's
    /// PSRAM), GPIO1/3 (UART0: console and flashing), GPIO12 (MTDI strapping pin: selects the
    /// flash voltage, must be low at reset), GPIO4/13 (SD D1/D3 of 4-bit mode; the card's D3 still
    /// needs its pull-up in 1-bit mode). Spare: GPIO26, GPIO39.
    /// </remarks>
    public static class PinMap
    {
        public const int CaptureMclk = 0; // I2S1 MCLK → WM8960 MCLK. 12.288 MHz (256 fs). The ESP32 can output MCLK only on GPIO0/1/3 (CLK_OUT) and 1/3 are UART0. Strapping pin: must be high at reset for a normal boot; the WM8960's MCLK input is high-impedance, so the board's pull-up wins.
        public const int CaptureBck = 5; // I2S1 BCK → WM8960 BCLK. 64 fs (the ESP32's receive DMA always runs 32-bit slots). Strapping pin (SDIO slave timing), sampled only at reset; the WM8960's BCLK input is high-impedance then.
        public const int CaptureWs = 25; // I2S1 WS → WM8960 ADCLRC. Ordinary I/O.
        public const int CaptureDataIn = 35; // I2S1 DATA IN ← WM8960 ADCDAT. Input-only pin (GPIO34–39 have no output driver), which suits a data input.
        public const int PlaybackBck = 27; // I2S2 BCK → PCM5102A BCK. 32 fs (16-bit slots); the PCM5102A's PLL makes its system clock from it (SCK tied to GND).
        public const int PlaybackWs = 32; // I2S2 WS → PCM5102A LRCK. RTC pin (32 kHz crystal pad; the WROVER has no such crystal).
        public const int PlaybackDataOut = 33; // I2S2 DATA OUT → PCM5102A DIN. RTC pin (32 kHz crystal pad; free on the WROVER).
        public const int CodecI2cData = 18; // I2C SDA ↔ WM8960 SDIN. Also the firmware's default I2C1 data pin; 4.7 kΩ pull-up on the codec board.
        public const int CodecI2cClock = 23; // I2C SCL → WM8960 SCLK. Moved from the firmware's default (GPIO19), which is the link LED here.
        public const int SdClock = 14; // SD CLK → microSD CLK. Fixed: the ESP32's SDMMC host reaches the card only through the IO_MUX pins 14/15/2 (slot 1). 10 kΩ pull-up.
        public const int SdCommand = 15; // SD CMD ↔ microSD CMD. Fixed by the SDMMC IO_MUX. Strapping pin (MTDO: boot log, SDIO timing); the 10 kΩ pull-up SD mode needs is also its default level.
        public const int SdData0 = 2; // SD D0 ↔ microSD DAT0. Fixed by the SDMMC IO_MUX. Strapping pin: must be low or floating to enter the serial bootloader, so the card's 10 kΩ pull-up can block flashing (see README, "Flashing with the card attached").
        public const int JoinButton = 36; // join button (external pull-up) ← join button A (contact B to GND). Active low. Input-only pin without internal pull-up (hence the external 10 kΩ). ESP32 errata: GPIO36/39 glitch low for ~80 ns while the SAR ADCs are powered (Wi-Fi uses ADC2, the knob ADC1), so the button is polled and debounced, never used as an edge interrupt.
        public const int LinkLed = 19; // LEDs: link → link LED A (anode; cathode to GND through 330 Ω). Active high.
        public const int RecordLed = 21; // LEDs: record → record LED A (anode; cathode to GND through 330 Ω). Active high.
        public const int BeatLed = 22; // LEDs: beat → beat LED A (anode; cathode to GND through 330 Ω). Active high.
        public const int ClickKnob = 34; // click-level pot (ADC1) ← click-level pot WIPER. ADC1 channel 6; ADC1 because ADC2 cannot be read while Wi-Fi runs. Input-only pin. Wiper between 3.3 V and GND.
    }
}

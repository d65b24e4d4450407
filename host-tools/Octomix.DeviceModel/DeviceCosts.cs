namespace Octomix.DeviceModel;

/// <summary>Which end of an estimate's range to price with.</summary>
public enum CostColumn
{
    Low,
    Used,
    High,
}

/// <summary>One per-operation cost: low – high range, the figure used, its unit and where it comes from.</summary>
public sealed record CostFigure(string Symbol, string What, double Low, double Used, double High, string Unit, string Source)
{
    public double Pick(CostColumn column) => column switch
    {
        CostColumn.Low => Low,
        CostColumn.High => High,
        _ => Used,
    };
}

/// <summary>
/// THE table of per-operation costs of the reference box (ESP32-WROVER, nanoFramework 1.17
/// interpreter at 240 MHz, SDMMC 1-bit). Every price the device model uses is here, with its
/// source; nothing here was measured on a board (tests/Device measures each on the first one).
/// docs/device-budget.md section 1 is generated from this table.
/// </summary>
public static class DeviceCosts
{
    private const string Facts = "design/nanoframework-facts.md (\"a trivial loop iteration that makes one native call costs ~6-18 µs\"), device-budget.md §1";
    private const string Step3 = "device-budget.md §3 (the recording block, step by step)";
    private const string SdPath = "device-budget.md §5a (the ESP-IDF SD path, from nf-interpreter and ESP-IDF sources)";

    public static readonly CostFigure Statement = new("S", "a simple managed statement (a few IL instructions)", 1, 1.5, 3, "µs", Facts);

    public static readonly CostFigure Call = new("M", "a managed method call and return (incl. interface dispatch)", 3, 4, 6, "µs", Facts);

    public static readonly CostFigure Native = new("N", "entering and leaving a native method, before its work", 5, 8, 12, "µs", Facts);

    public static readonly CostFigure PsramCopy = new("C", "copying one byte in or out of PSRAM (memcpy, Array.Copy)", 0.025, 0.033, 0.05, "µs/B", "design/nanoframework-facts.md: PSRAM copies at 20-40 MB/s (device-budget.md §1)");

    public static readonly CostFigure I2sRead = new("I2S-in", "I2S read work per byte delivered (i2s_read of 240 B pieces, 32-bit DMA slots converted)", 0.049, 0.073, 0.098, "µs/B", Step3 + ", step 1: 50-100 µs per 1,024 B");

    public static readonly CostFigure I2sWrite = new("I2S-out", "I2S write work per byte (copy into the DMA descriptors)", 0.024, 0.037, 0.049, "µs/B", Step3 + ", step 8: 25-50 µs per 1,024 B");

    public static readonly CostFigure Timer = new("T", "HighResTimer.GetCurrent work", 1, 2, 3, "µs", Step3 + ", step 2");

    public static readonly CostFigure Poll = new("P", "Socket.Poll(0) / a receive with nothing waiting (lwIP select)", 20, 35, 50, "µs", Step3 + ", step 9");

    public static readonly CostFigure Send = new("U", "lwIP + Wi-Fi enqueue of one datagram (sendto)", 150, 275, 400, "µs", Step3 + ", step 6");

    public static readonly CostFigure Receive = new("R", "a datagram received (lwIP recvfrom, copy out of the pbuf)", 40, 80, 150, "µs", "this model's estimate: a poll that finds data plus its copy (no figure in the design notes)");

    public static readonly CostFigure Gpio = new("G", "a GPIO/ADC read or write", 3, 5, 10, "µs", Step3 + ", step 10");

    public static readonly CostFigure WordSum = new("W", "BitConverter.ToUInt64 work (the checksum's native call per 8 bytes), beyond N", 0.5, 1, 2, "µs", "device-budget.md §6");

    public static readonly CostFigure SdSingleWrite = new("SDw", "one single-block card write: CMD24 + 512 B on the 1-bit bus + CMD13 + waiting out the card's programming busy", 1370, 1710, 2270, "µs",
        "design/nanoframework-facts.md: 150-250 KB/s for 1,024-byte managed writes = 4.1-6.8 ms each; " + SdPath + ": such a write is 3 single-block writes (2 data sectors, bounced, + the directory entry of the f_sync nanoFramework does after every write)");

    public static readonly CostFigure SdSingleRead = new("SDr", "one single-block card read: CMD17 + 512 B + CMD13", 1020, 1280, 1710, "µs", "design/nanoframework-facts.md and device-budget.md §6: 300-500 KB/s for 512-byte reads from managed code");

    public static readonly CostFigure SdMultiSector = new("SDm", "each further sector of a multi-block write (CMD25) or read (CMD18) to or from a DMA-capable buffer: 512 B + CRC on the 1-bit bus", 103, 206, 206, "µs",
        "bus arithmetic: 4,120 bits at 20 MHz (SDMMC_FREQ_DEFAULT) = 206 µs, 103 µs at 40 MHz (SDMMC_FREQ_HIGHSPEED); the command and busy cost as one SDw");

    public static readonly CostFigure FatFsCall = new("F", "FatFs CPU per f_write/f_read/f_lseek call (arguments, cluster and sector arithmetic)", 10, 20, 40, "µs", "this model's estimate: a few hundred instructions at 240 MHz, cache misses into flash-mapped code");

    public static readonly CostFigure FatFsSync = new("Fs", "FatFs CPU of an f_sync (time stamp, directory entry update), beyond its sector I/O", 15, 30, 60, "µs", "this model's estimate (get_fattime, st_clust/st_dword)");

    public static readonly CostFigure ChainStep = new("K", "one cluster-chain step (get_fat from the FAT window) in f_lseek", 0.5, 1, 2, "µs", "this model's estimate: ~100 instructions per step");

    public static readonly CostFigure Bounce = new("B", "heap_caps_malloc(512, MALLOC_CAP_DMA) + free of the bounce buffer, per sdmmc_write_sectors/read_sectors call", 5, 10, 20, "µs", "this model's estimate (TLSF allocator); ESP-IDF components/sdmmc/sdmmc_cmd.c allocates it per call");

    /// <summary>Every figure, in the order of the table in docs/device-budget.md.</summary>
    public static IReadOnlyList<CostFigure> All { get; } =
    [
        Statement, Call, Native, PsramCopy, I2sRead, I2sWrite, Timer, Poll, Send, Receive, Gpio, WordSum,
        SdSingleWrite, SdSingleRead, SdMultiSector, FatFsCall, FatFsSync, ChainStep, Bounce,
    ];
}

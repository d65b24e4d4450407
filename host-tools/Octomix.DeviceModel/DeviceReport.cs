using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Octomix.DeviceModel;

/// <summary>The bench's output: the table, the JSON object and the generated section of docs/device-budget.md.</summary>
public static class DeviceReport
{
    public const string BeginMarker = "<!-- BEGIN GENERATED: octomix bench device --doc docs/device-budget.md -->";
    public const string EndMarker = "<!-- END GENERATED: octomix bench device -->";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static JsonObject Json(DeviceBenchResult result, DeviceBenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        var formats = new JsonArray();
        foreach (var r in result.Runs)
        {
            var a = r.Average();
            var worst = r.WorstBlock(CostColumn.Used);
            var price = CostModel.Price(a, CostColumn.Used);
            var o = new JsonObject
            {
                ["rate"] = r.Format.Rate,
                ["bits"] = r.Format.Bits,
                ["channels"] = r.Format.Channels,
                ["mode"] = r.Mode,
                ["blocks"] = r.Blocks.Count,
                ["periodMicros"] = Round(r.PeriodMicros),
                ["averageMicros"] = Round(r.AverageMicros(CostColumn.Used)),
                ["worstMicros"] = Round(r.WorstMicros(CostColumn.Used)),
                ["averagePercentOfPeriod"] = Percent(r.AverageMicros(CostColumn.Used), r),
                ["worstPercentOfPeriod"] = Percent(r.WorstMicros(CostColumn.Used), r),
                ["averagePercentLow"] = Percent(r.AverageMicros(CostColumn.Low), r),
                ["averagePercentHigh"] = Percent(r.AverageMicros(CostColumn.High), r),
                ["worstPercentHigh"] = Percent(r.WorstMicros(CostColumn.High), r),
                ["heapBytes"] = r.HeapBytes,
                ["averageManagedMicros"] = Round(price.ManagedMicros),
                ["averageNativeMicros"] = Round(price.NativeMicros),
                ["averageSdMicros"] = Round(price.SdMicros),
                ["averageNetworkMicros"] = Round(price.NetworkMicros),
                ["perBlock"] = Counts(a),
                ["worstBlock"] = Counts(worst),
            };
            if (r.Mode == DeviceModes.Recording)
            {
                o["sdNeededKBytesPerSecond"] = Round(r.SdNeededBytesPerSecond / 1000);
                o["sdDeliveredKBytesPerSecond"] = Round(r.SdDeliveredBytesPerSecond(CostColumn.Used) / 1000);
                if (r.TaskCounts.SdDataBytesWritten > 0)
                {
                    o["writerTaskPercentOfTime"] = Round(r.TaskPercentOfTime(CostColumn.Used));
                    o["writerTask"] = Counts(r.TaskCounts);
                }
            }

            if (r.Mode == DeviceModes.Collecting)
            {
                o["checksumKBytesPerSecond"] = Round(r.ChecksumBytesPerSecond / 1000);
                if (r.ReadyAfterStopBlocks >= 0)
                {
                    o["readyAtStopAfterBlocks"] = r.ReadyAfterStopBlocks;
                }
            }

            if (r.Mode == DeviceModes.Progressive)
            {
                o["progressiveKBytesPerSecond"] = Round(r.ServedBytesPerSecond / 1000);
            }

            if (r.Mode == DeviceModes.Serving)
            {
                o["servingKBytesPerSecond"] = Round(r.ServedBytesPerSecond / 1000);
                o["servedNatively"] = r.TaskCounts.SdDataBytesRead > 0;
                if (r.TaskCounts.SdDataBytesRead > 0)
                {
                    o["serveTaskKBytesPerSecond"] = Round(r.ServeTaskDeliveredBytesPerSecond(CostColumn.Used) / 1000);
                    o["serveTaskPercentOfTime"] = Round(r.TaskPercentOfTime(CostColumn.Used));
                    o["serveTask"] = Counts(r.TaskCounts);
                }
            }

            if (r.Problem != null)
            {
                o["problem"] = r.Problem;
            }

            formats.Add(o);
        }

        var json = new JsonObject
        {
            ["benchmark"] = "device",
            ["model"] = "docs/device-budget.md; costs host-tools/Octomix.DeviceModel/DeviceCosts.cs (column: used)",
            ["blockFrames"] = options.BlockFrames,
            ["settings"] = options.ExtraSettings,
            ["cardDmaCapableBuffers"] = options.CardDmaCapableBuffers,
            ["cardSyncAfterEveryWrite"] = options.CardSyncAfterEveryWrite,
            ["lateTakeSeconds"] = options.LateTakeSeconds,
            ["formats"] = formats,
        };
        if (result.Collection is { } c)
        {
            json["collection"] = new JsonObject
            {
                ["takeSeconds"] = options.CollectionTakeSeconds,
                ["takeBytes"] = c.TakeBytes,
                ["checksumKBytesPerSecond"] = Round(c.ChecksumBytesPerSecond / 1000),
                ["readyAfterStopSeconds"] = Round(c.ReadyAfterStopSeconds),
                ["lossPercent"] = c.LossPercent,
                ["gapsSecondsAt2PercentLoss"] = Round(c.GapsSeconds),
                ["servingKBytesPerSecond"] = Round(c.ServingBytesPerSecond / 1000),
                ["wholeFileSeconds"] = Round(c.WholeFileSeconds),
            };
        }

        json["costs"] = new JsonArray([.. DeviceCosts.All.Select(f => (JsonNode)new JsonObject
        {
            ["symbol"] = f.Symbol, ["low"] = f.Low, ["used"] = f.Used, ["high"] = f.High, ["unit"] = f.Unit,
        })]);
        return json;
    }

    private static JsonObject Counts(BlockCounts b) => new()
    {
        ["managedCalls"] = Round(b.ManagedCalls),
        ["statements"] = Round(b.Statements),
        ["nativeCalls"] = Round(b.NativeCalls),
        ["bytesCopied"] = Round(b.BytesCopied),
        ["datagramsSent"] = Round(b.DatagramsSent),
        ["datagramsReceived"] = Round(b.DatagramsReceived),
        ["sdSingleBlockWrites"] = Round(b.SdSingleWrites),
        ["sdMultiBlockWrites"] = Round(b.SdMultiWrites),
        ["sdSectorReads"] = Round(b.SdSectorReads),
        ["sdMultiReads"] = Round(b.SdMultiReads),
        ["sdDataBytesRead"] = Round(b.SdDataBytesRead),
        ["sdFatSectorWrites"] = Round(b.SdFatSectorWrites),
        ["sdDirectorySectorWrites"] = Round(b.SdDirectorySectorWrites),
        ["sdDataBytesWritten"] = Round(b.SdDataBytesWritten),
        ["fatChainSteps"] = Round(b.ChainSteps),
        ["checksumBytes"] = Round(b.ChecksumBytes),
        ["servedBytes"] = Round(b.ServedBytes),
    };

    /// <summary>The human table (and the body of the generated doc section).</summary>
    public static string Table(DeviceBenchResult result, DeviceBenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        var sb = new StringBuilder();
        sb.AppendLine("| format | mode | per block typical (low – high) | worst (high) | % of period: typical / worst | managed / native / card / network | card writes / reads per block | heap | rates |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in result.Runs)
        {
            var a = r.Average();
            var p = CostModel.Price(a, CostColumn.Used);
            string rates = r.Mode switch
            {
                DeviceModes.Recording when r.TaskCounts.SdDataBytesWritten > 0 => string.Create(Inv, $"native writer: card needs {r.SdNeededBytesPerSecond / 1000:0} KB/s, its task delivers {r.SdDeliveredBytesPerSecond(CostColumn.Used) / 1000:0} KB/s, busy {r.TaskPercentOfTime(CostColumn.Used):0} % of the time"),
                DeviceModes.Recording => string.Create(Inv, $"card needs {r.SdNeededBytesPerSecond / 1000:0} KB/s, path delivers {r.SdDeliveredBytesPerSecond(CostColumn.Used) / 1000:0} KB/s"),
                DeviceModes.Collecting when r.ReadyAfterStopBlocks >= 0 => string.Create(Inv, $"digest summed while recording: ready {r.ReadyAfterStopBlocks} block(s) after Stop, nothing to collect"),
                DeviceModes.Collecting => string.Create(Inv, $"checksum {r.ChecksumBytesPerSecond / 1000:0.0} KB/s"),
                DeviceModes.Serving when r.TaskCounts.SdDataBytesRead > 0 => string.Create(Inv, $"native file server: serving {r.ServedBytesPerSecond / 1000:0.0} KB/s; its task reads {r.ServeTaskDeliveredBytesPerSecond(CostColumn.Used) / 1000:0} KB/s, busy {r.TaskPercentOfTime(CostColumn.Used):0} % of the time"),
                DeviceModes.Serving => string.Create(Inv, $"serving {r.ServedBytesPerSecond / 1000:0.0} KB/s"),
                DeviceModes.Progressive => string.Create(Inv, $"progressive collection: {r.ServedBytesPerSecond / 1000:0.0} KB/s served during the take, {r.Blocks.Count(b => b.ServedChunks > 0)} of {r.Blocks.Count} blocks served a chunk"),
                _ => string.Empty,
            };
            if (r.Problem != null)
            {
                rates += " — " + r.Problem;
            }

            sb.AppendLine(string.Create(Inv,
                $"| {r.Format} | {r.Mode} | {Ms(r.AverageMicros(CostColumn.Used))} ms ({Ms(r.AverageMicros(CostColumn.Low))} – {Ms(r.AverageMicros(CostColumn.High))}) | {Ms(r.WorstMicros(CostColumn.Used))} ms ({Ms(r.WorstMicros(CostColumn.High))}) " +
                $"| {Percent(r.AverageMicros(CostColumn.Used), r):0} % / {Percent(r.WorstMicros(CostColumn.Used), r):0} % | {Ms(p.ManagedMicros)} / {Ms(p.NativeMicros)} / {Ms(p.SdMicros)} / {Ms(p.NetworkMicros)} ms " +
                $"| {a.SdWriteCommands:0.##} / {a.SdSectorReads:0.##} | {r.HeapBytes / 1000.0:N0} KB | {rates} |"));
        }

        if (result.Collection is { } c)
        {
            sb.AppendLine();
            string ready = string.Create(Inv, $"A {options.CollectionTakeSeconds / 60:0.#}-minute take ({c.TakeBytes / 1e6:0.#} MB): FileInfo `ready` **{Duration(c.ReadyAfterStopSeconds)}** after Stop ");
            string how = c.ReadyAtStopSeconds != null ? "(the digest was summed while recording)" : string.Create(Inv, $"(checksum at {c.ChecksumBytesPerSecond / 1000:0.0} KB/s)");
            string gaps = string.Create(Inv, $"; the gaps of {c.LossPercent:0.#} % stream loss served in **{Duration(c.GapsSeconds)}** and the whole file in {Duration(c.WholeFileSeconds)} (serving at {c.ServingBytesPerSecond / 1000:0.0} KB/s).");
            sb.AppendLine(ready + how + gaps);
        }

        return sb.ToString();
    }

    /// <summary>The cost table (docs/device-budget.md §1), from <see cref="DeviceCosts"/>.</summary>
    public static string CostTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| symbol | what | low – high | used | source |");
        sb.AppendLine("| --- | --- | ---: | ---: | --- |");
        foreach (var f in DeviceCosts.All)
        {
            sb.AppendLine(string.Create(Inv, $"| {f.Symbol} | {f.What} | {f.Low:0.###} – {f.High:0.###} {f.Unit} | {f.Used:0.###} {f.Unit} | {f.Source} |"));
        }

        return sb.ToString();
    }

    /// <summary>Replaces the generated section of <paramref name="markdown"/> (between the markers) with the table.</summary>
    public static string ReplaceSection(string markdown, string generated)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        int begin = markdown.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = markdown.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException("the document has no generated section (" + BeginMarker + " … " + EndMarker + ")");
        }

        return markdown[..(begin + BeginMarker.Length)] + "\n" + generated.TrimEnd() + "\n" + markdown[end..];
    }

    public static string DocSection(DeviceBenchResult result, DeviceBenchOptions options, string command)
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine(command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.Append(Table(result, options));
        sb.AppendLine();
        sb.AppendLine("The per-operation costs it priced with (`host-tools/Octomix.DeviceModel/DeviceCosts.cs`):");
        sb.AppendLine();
        sb.Append(CostTable());
        return sb.ToString();
    }

    private static string Ms(double micros) => (micros / 1000).ToString("0.00", Inv);

    private static double Percent(double micros, DeviceModeResult r) => Math.Round(100 * micros / r.PeriodMicros, 1);

    private static double Round(double v) => double.IsFinite(v) ? Math.Round(v, 2) : -1;

    private static string Duration(double seconds) => !double.IsFinite(seconds) ? "never" : seconds < 1 ? string.Create(Inv, $"{seconds * 1000:0} ms") : seconds < 120 ? string.Create(Inv, $"{seconds:0.#} s") : string.Create(Inv, $"{seconds / 60:0.#} min");
}

using System.CommandLine;
using System.Globalization;
using Octomix.DeviceModel;

namespace Octomix.Cli;

/// <summary>
/// `octomix bench device`: the device cost model (host-tools/Octomix.DeviceModel). Runs the real
/// box code on the simulated board per format and mode, prices what the ESP32 would do, prints
/// the table (or, with --json, the table on stderr and one JSON object as the last stdout line),
/// writes the JSON to bench-results/ and, with --doc, regenerates the marked section of
/// docs/device-budget.md.
/// </summary>
public static class DeviceBenchCommand
{
    public static Command Create()
    {
        var blocks = new Option<int>("--blocks") { Description = "Blocks measured per format and mode", DefaultValueFactory = _ => 1000 };
        var formats = new Option<string>("--formats") { Description = "Formats, bits/channels at 48 kHz, comma separated", DefaultValueFactory = _ => "16/1,16/2,24/1,24/2" };
        var modes = new Option<string>("--modes") { Description = "Modes: recording, jamming, collecting, serving, progressive", DefaultValueFactory = _ => string.Join(",", DeviceModes.All) };
        var takeSeconds = new Option<double>("--take-seconds") { Description = "Seconds recorded before collecting/serving", DefaultValueFactory = _ => 2 };
        var settings = new Option<string>("--settings") { Description = "Extra settings.txt lines for the box, separated by ';' (e.g. \"file_chunk_bytes = 1024\")", DefaultValueFactory = _ => string.Empty };
        var cardDma = new Option<bool>("--card-dma") { Description = "Lever, not today's box: card writes from DMA-capable buffers (one multi-block write per call)" };
        var cardNoSync = new Option<bool>("--card-no-sync") { Description = "Lever, not today's box: FileStream.Write without nanoFramework's f_sync after every write" };
        var stock = new Option<bool>("--stock-image") { Description = "Price the box on a stock nanoFramework image: no native take writer, the loop writes every block (the default prices the custom image, docs/recording-path.md)" };
        var late = new Option<double>("--late-take-seconds") { Description = "Price the recording as if the take were this many seconds in (the cluster chain a seek from the start walks)", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object as the last stdout line (the table goes to stderr)" };
        var output = new Option<string>("--output") { Description = "Folder for the JSON file", DefaultValueFactory = _ => "bench-results" };
        var doc = new Option<string?>("--doc") { Description = "Regenerate the marked section of this markdown file (docs/device-budget.md)" };
        var command = new Command("device", "Device cost model: the box's code on the simulated board, priced as the ESP32 would run it")
        {
            blocks, formats, modes, takeSeconds, settings, cardDma, cardNoSync, stock, late, json, output, doc,
        };
        command.SetAction(parse =>
        {
            var options = new DeviceBenchOptions
            {
                MeasuredBlocks = parse.GetValue(blocks),
                TakeSeconds = parse.GetValue(takeSeconds),
                ExtraSettings = parse.GetValue(settings)!.Replace(';', '\n'),
                CardDmaCapableBuffers = parse.GetValue(cardDma),
                CardSyncAfterEveryWrite = !parse.GetValue(cardNoSync),
                LateTakeSeconds = parse.GetValue(late),
                NativeTakeWriter = !parse.GetValue(stock),
            };
            try
            {
                options.Formats = ParseFormats(parse.GetValue(formats)!);
                options.Modes = ParseModes(parse.GetValue(modes)!);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine("octomix bench device: " + e.Message);
                return 2;
            }

            if (options.MeasuredBlocks < 1 || options.TakeSeconds <= 0 || options.LateTakeSeconds < 0 || options.LateTakeSeconds > 36000)
            {
                Console.Error.WriteLine("octomix bench device: --blocks >= 1, --take-seconds > 0, 0 <= --late-take-seconds <= 36000");
                return 2;
            }

            return Run(options, parse.GetValue(json), parse.GetValue(output)!, parse.GetValue(doc), Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Runs the bench and writes its output; the tests call this in-process.</summary>
    public static int Run(DeviceBenchOptions options, bool json, string outputFolder, string? docPath, TextWriter stdout, TextWriter stderr)
    {
        var result = DeviceBench.Run(options, p => stderr.WriteLine("octomix bench device: " + p));
        string table = DeviceReport.Table(result, options);
        (json ? stderr : stdout).Write(table);
        var obj = DeviceReport.Json(result, options);
        string line = obj.ToJsonString();
        Directory.CreateDirectory(outputFolder);
        string file = Path.Combine(outputFolder, "device-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".json");
        File.WriteAllText(file, line + "\n");
        stderr.WriteLine("octomix bench device: written to " + file);
        if (docPath != null)
        {
            string command = "octomix bench device --blocks " + options.MeasuredBlocks.ToString(CultureInfo.InvariantCulture) + " --doc " + docPath.Replace('\\', '/');
            File.WriteAllText(docPath, DeviceReport.ReplaceSection(File.ReadAllText(docPath), DeviceReport.DocSection(result, options, command)));
            stderr.WriteLine("octomix bench device: regenerated " + docPath);
        }

        if (json)
        {
            stdout.WriteLine(line);
        }

        return result.Runs.Any(r => r.Problem != null) ? 1 : 0;
    }

    public static IReadOnlyList<DeviceFormat> ParseFormats(string text)
    {
        var list = new List<DeviceFormat>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bc = part.Split('/');
            if (bc.Length != 2 || !int.TryParse(bc[0], CultureInfo.InvariantCulture, out int bits) || !int.TryParse(bc[1], CultureInfo.InvariantCulture, out int channels)
                || (bits != 16 && bits != 24) || (channels != 1 && channels != 2))
            {
                throw new FormatException("--formats takes bits/channels pairs: 16/1, 16/2, 24/1, 24/2 (got " + part + ")");
            }

            list.Add(new DeviceFormat(48000, bits, channels));
        }

        return list.Count > 0 ? list : throw new FormatException("--formats is empty");
    }

    public static IReadOnlyList<string> ParseModes(string text)
    {
        var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        var unknown = list.Where(m => !DeviceModes.All.Contains(m)).ToList();
        if (unknown.Count > 0 || list.Count == 0)
        {
            throw new FormatException("--modes takes " + string.Join(", ", DeviceModes.All) + " (got " + text + ")");
        }

        return list;
    }
}

using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Octomix.Desk.Monitor;
using Octomix.Desk.Output;

namespace Octomix.Web;

/// <summary>
/// The monitor mix in the browser: a monitor sink factory (the composition root puts it in the
/// engine's <c>MonitorSinks</c>, alone or teed with the player) whose sinks send each block the
/// mixer renders — timecode-aligned, s16le stereo at the session rate — to every page connected
/// to <c>GET /api/monitor</c> (a WebSocket), one binary message per block (framing: <see cref="HeaderBytes"/>,
/// docs/web-console.md). A page that falls behind loses its oldest blocks, never the others' nor the mixer's.
/// </summary>
public sealed class WebMonitor : IMonitorSinkFactory
{
    /// <summary>Bytes before the PCM in each message.</summary>
    public const int HeaderBytes = 24;

    /// <summary>"OMX1" little-endian: the first four bytes of every message.</summary>
    public const uint Magic = 0x31584D4F;

    /// <summary>Blocks (10 ms each) queued per page before its oldest are dropped.</summary>
    private const int ClientQueue = 50;

    private readonly Lock _lock = new();
    private volatile Channel<byte[]>[] _clients = [];

    public string Name => "web";

    /// <summary>Pages listening now.</summary>
    public int Listeners => _clients.Length;

    public IMonitorSink Create(MonitorSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Sink(this, context);
    }

    internal void Map(IEndpointRouteBuilder app) => app.Map("/api/monitor", ServeAsync);

    /// <summary>
    /// The header of one block: magic "OMX1", u32 sequence, u32 sample rate, u16 channels (2),
    /// u16 frames, u32 the monitor's delay behind the newest audio (µs), i32 the monitor's playout
    /// position after the block, a take index (−1 while the monitor is waiting). Little-endian.
    /// </summary>
    internal static void WriteHeader(Span<byte> header, uint sequence, int sampleRate, int frames, TimeSpan delay, long position)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[14..], (ushort)frames);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)Math.Clamp(delay.TotalMicroseconds, 0, uint.MaxValue));
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], (int)Math.Clamp(position, -1, int.MaxValue));
    }

    private void Send(byte[] block)
    {
        foreach (var client in _clients)
        {
            client.Writer.TryWrite(block);
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new ApiError("/api/monitor is a WebSocket (the page's monitor button opens it)")).ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ClientQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            _clients = [.. _clients, queue];
        }

        // the page went away, or this web console stops (the next one serves the page's reconnect)
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var receiving = DrainAsync(socket, gone);
        try
        {
            while (await queue.Reader.WaitToReadAsync(gone.Token).ConfigureAwait(false))
            {
                while (queue.Reader.TryRead(out var block))
                {
                    await socket.SendAsync(block, WebSocketMessageType.Binary, true, gone.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // the page closed the monitor, or went away
        }
        finally
        {
            lock (_lock)
            {
                _clients = [.. _clients.Where(c => c != queue)];
            }

            await gone.CancelAsync().ConfigureAwait(false);
            await receiving.ConfigureAwait(false);
            try
            {
                if (socket.State is WebSocketState.CloseReceived or WebSocketState.Open)
                {
                    using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    await socket.CloseOutputAsync(socket.State == WebSocketState.Open ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure, null, closing.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // gone meanwhile
            }
        }
    }

    /// <summary>Reads what the page sends (nothing but the close) so the close is seen.</summary>
    private static async Task DrainAsync(WebSocket socket, CancellationTokenSource gone)
    {
        var buffer = new byte[256];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var r = await socket.ReceiveAsync(buffer, gone.Token).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }

        await gone.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>One take's monitor to the pages: each block rendered is one message (shared by every page).</summary>
    private sealed class Sink(WebMonitor hub, MonitorSinkContext context) : IMonitorSink
    {
        private long _frames;
        private long _blocks;
        private uint _sequence;

        public string Description => $"web console ({hub.Listeners} page(s) listening)";

        public bool TryWrite(ReadOnlySpan<short> interleavedStereo)
        {
            int frames = interleavedStereo.Length / 2;
            Interlocked.Add(ref _frames, frames);
            if (hub._clients.Length == 0)
            {
                return true;
            }

            var mixer = context.Mixer;
            double position = mixer.PlayoutPosition;
            var block = new byte[HeaderBytes + (interleavedStereo.Length * 2)];
            WriteHeader(block, _sequence++, context.SampleRate, frames, mixer.TargetDelay, double.IsNaN(position) ? -1 : (long)position);
            MemoryMarshal.AsBytes(interleavedStereo).CopyTo(block.AsSpan(HeaderBytes));
            if (!BitConverter.IsLittleEndian)
            {
                var samples = MemoryMarshal.Cast<byte, short>(block.AsSpan(HeaderBytes));
                BinaryPrimitives.ReverseEndianness(samples, samples);
            }

            hub.Send(block);
            Interlocked.Increment(ref _blocks);
            return true;
        }

        public MonitorSinkStatus GetStatus()
        {
            long frames = Interlocked.Read(ref _frames);
            return new MonitorSinkStatus(Description, hub.Listeners > 0, frames, frames, 0, 0, 0, null);
        }

        public void Dispose()
        {
        }
    }
}

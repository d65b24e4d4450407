using System;
using Octomix.Drivers.Bwf;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// Progressive collection: FileRequests for the take being recorded, served while it records
    /// (docs/box.md, "Progressive collection"). Only what the card holds durably is served — the
    /// recorder's <see cref="Recorder.DurableDataBytes"/>: what the native writer synced, or what the
    /// stock path flushed with its last header rewrite — of the part being written; anything else is
    /// dropped and counted (<see cref="ProgressiveRefused"/>). Serving is strict: one chunk at most,
    /// every <see cref="ProgressiveEveryBlocks"/>-th block, of <see cref="ChunkBytes"/> (the native
    /// file server shares the native writer's internal RAM and is not used while recording): on the
    /// custom image through the native writer's durable read (<see cref="IAppendFile.ReadDurable"/>:
    /// its own read handle on the preallocated run with a cluster link map, no chain walk, no managed
    /// handle), else through the stock managed read on a read handle of its own. Its turns count in
    /// <see cref="ServeTurns"/> and <see cref="ServeChunksLastTurn"/> like any serving turn.
    /// <para>
    /// On the managed handle, FatFs limits a read to the size the file had when the handle was opened (<c>f_read</c> clamps
    /// to the file object's size; the directory entry grows at each <c>f_sync</c> of the writer's
    /// handle), so a request past what the read handle saw reopens it: one <c>Open</c> (which
    /// allocates its stream) per request that reaches newer audio, never per block. Serving within
    /// what the handle sees allocates nothing.
    /// </para>
    /// </summary>
    public sealed partial class TakeFileServer
    {
        /// <summary>The part being recorded, described for <see cref="ServeChunk"/> (allocated once; not in the known parts).</summary>
        private readonly TakePart live = new TakePart();

        /// <summary>Durable bytes of <see cref="live"/> when its read handle was opened: what that handle can read.</summary>
        private long liveVisibleBytes;
        private int blocksSinceLiveServe;

        /// <summary>
        /// Setting <c>progressive_every_blocks</c>: while a take records, one FileData chunk at most
        /// every this many blocks for FileRequests of that take; 0 = FileRequests during a take are
        /// dropped.
        /// </summary>
        public int ProgressiveEveryBlocks { get; set; }

        /// <summary>FileRequests during a take that were dropped: off, another take or part, or nothing of the range durable yet.</summary>
        public long ProgressiveRefused { get; private set; }

        /// <summary>FileData chunks sent while the take recorded.</summary>
        public long ProgressiveChunks { get; private set; }

        /// <summary>File bytes sent while the take recorded.</summary>
        public long ProgressiveBytes { get; private set; }

        /// <summary>Read handles opened on the part being recorded (one per request that reached newer audio).</summary>
        public long ProgressiveOpens { get; private set; }

        /// <summary>
        /// A FileRequest while take <paramref name="takeId"/> records part <paramref name="part"/> at
        /// <paramref name="path"/>, of which <paramref name="durableBytes"/> audio bytes are on the
        /// card for sure: queued, cut at the durable end, when it asks for that part from below it;
        /// else dropped (false, counted in <see cref="ProgressiveRefused"/>). No allocation.
        /// </summary>
        public bool RequestDuringTake(FileRequestMessage request, uint takeId, int part, string path, long durableBytes)
        {
            if (ProgressiveEveryBlocks <= 0 || takeId == 0 || path == null || request.TakeId != takeId || request.Part != part
                || request.Offset >= durableBytes)
            {
                ProgressiveRefused++;
                return false;
            }

            if (live.TakeId != takeId || live.Part != part || live.Path != path)
            {
                EndLive();
                live.TakeId = takeId;
                live.Part = part;
                live.Path = path;
                live.DataOffset = (uint)BwfWriter.DataOffset;
            }

            return Enqueue(request, durableBytes);
        }

        /// <summary>
        /// A block of the take (called once per block while it records): every
        /// <see cref="ProgressiveEveryBlocks"/>-th block with a request queued, one FileData chunk of
        /// the request at the queue's head, within what is durable now. Reads the clock before and
        /// after. Returns the chunks sent (0 or 1). No allocation unless the read handle must be
        /// (re)opened. With the native take writer (<paramref name="writer"/>, null on a stock image)
        /// the read holds the card (<see cref="IAppendFile.TryHoldCard"/>): when the writer's task is
        /// in the middle of a piece the block serves nothing and the next one tries again, instead of
        /// waiting the piece out on FatFs's volume lock (~15 ms, three blocks).
        /// </summary>
        public int ServeDuringTake(IDatagramSender socket, uint takeId, int part, string path, long durableBytes, IAppendFile writer)
        {
            if (ProgressiveEveryBlocks <= 0 || reqCount == 0 || ++blocksSinceLiveServe < ProgressiveEveryBlocks)
            {
                return 0;
            }

            blocksSinceLiveServe = 0;
            long started = clock.Microseconds;
            long bytes = BytesServed;
            int reads = 0;
            int sent = 0;
            int r = reqHead;
            if (reqTake[r] != takeId || reqPart[r] != part || live.TakeId != takeId || live.Part != part || live.Path != path || reqOffset[r] >= durableBytes)
            {
                // queued before a split, or for data no longer (or not yet) durable: the console asks again
                ProgressiveRefused++;
                NextRequest();
            }
            else if (writer != null && writer.DurableReadAvailable)
            {
                ServeDurableChunk(socket, r, durableBytes, writer, ref reads, ref sent);
            }
            else if (writer != null && !writer.TryHoldCard())
            {
                ProgressiveCardBusy++;
                blocksSinceLiveServe = ProgressiveEveryBlocks - 1; // the next block tries again
            }
            else
            {
                try
                {
                    ServeLiveChunk(socket, r, durableBytes, writer != null, ref reads, ref sent);
                }
                finally
                {
                    if (writer != null)
                    {
                        writer.ReleaseCard();
                    }
                }
            }

            long now = clock.Microseconds;
            RecordServeTurn(reads, sent, (int)(BytesServed - bytes), now - started);
            EndTurn(started, now);
            return sent;
        }

        /// <summary>Blocks whose progressive chunk waited because the native writer's task was writing a piece (<see cref="IAppendFile.TryHoldCard"/> false, or <see cref="IAppendFile.ReadDurable"/> -1).</summary>
        public long ProgressiveCardBusy { get; private set; }

        /// <summary>Progressive chunks read through the native writer's durable read (<see cref="IAppendFile.ReadDurable"/>).</summary>
        public long ProgressiveDurableReads { get; private set; }

        /// <summary>
        /// One chunk of request <paramref name="r"/> through the native writer's durable read (custom
        /// image, preallocated file): one native call reads the chunk's sectors through the native
        /// part's own read handle, whose cluster link map makes the seek cost no FAT read, below the
        /// synced length, holding the card for the read itself (-1: the task is writing a piece, the
        /// next block tries again). No managed read handle, no allocation. A short read (a cluster's
        /// end) leaves the request's rest for a later block; 0 bytes (past what the native reader can
        /// read: beyond the preallocation) drops the request, as a card error does (the console asks
        /// again).
        /// </summary>
        private void ServeDurableChunk(IDatagramSender socket, int r, long durableBytes, IAppendFile writer, ref int reads, ref int sent)
        {
            if (reqOffset[r] + reqLength[r] > durableBytes)
            {
                reqLength[r] = (int)(durableBytes - reqOffset[r]);
            }

            int n = reqLength[r] < chunkBytes ? reqLength[r] : chunkBytes;
            int got;
            try
            {
                got = writer.ReadDurable(live.DataOffset + (long)reqOffset[r], datagram, FileDataMessage.HeaderLength, n);
            }
            catch (Exception)
            {
                BadRequests++;
                NextRequest();
                return;
            }

            if (got < 0)
            {
                ProgressiveCardBusy++;
                blocksSinceLiveServe = ProgressiveEveryBlocks - 1; // the next block tries again
                return;
            }

            reads = 1;
            if (got == 0)
            {
                ProgressiveRefused++;
                NextRequest();
                return;
            }

            SendChunk(socket, r, live, got);
            if (reqLength[r] <= 0)
            {
                NextRequest();
            }

            sent = 1;
            BytesServed += got;
            ProgressiveChunks++;
            ProgressiveBytes += got;
            ProgressiveDurableReads++;
        }

        /// <summary>
        /// One chunk of request <paramref name="r"/> of the part being recorded, within what is
        /// durable. <paramref name="preallocated"/>: the native writer's file, whose size on the card
        /// is its preallocation from the start (f_expand), so one read handle sees every byte the
        /// writer syncs and is never reopened (a reopen seeks from the first cluster: a walk of the
        /// whole chain, a FAT sector per 128 clusters).
        /// </summary>
        private void ServeLiveChunk(IDatagramSender socket, int r, long durableBytes, bool preallocated, ref int reads, ref int sent)
        {
            if (reqOffset[r] + reqLength[r] > durableBytes)
            {
                reqLength[r] = (int)(durableBytes - reqOffset[r]);
            }

            int n = reqLength[r] < chunkBytes ? reqLength[r] : chunkBytes;
            if (!preallocated && servePart == live && reqOffset[r] + n > liveVisibleBytes)
            {
                CloseServeFile(); // the handle cannot read past the size it was opened with
            }

            if (servePart != live)
            {
                ProgressiveOpens++;
                liveVisibleBytes = durableBytes;
            }

            live.DataBytes = (uint)durableBytes;
            int got = ServeChunk(socket, live, r);
            reads = 1;
            if (got > 0)
            {
                sent = 1;
                BytesServed += got;
                ProgressiveChunks++;
                ProgressiveBytes += got;
            }
            else
            {
                live.Damaged = false; // a failed read while recording says nothing about the closed file
            }
        }

        /// <summary>
        /// A take starts on the native writer (its file preallocated, so a read handle opened now
        /// sees every byte it will sync): the read handle of progressive collection is opened
        /// here, in the start's one-off card work beside the writer's own open and f_expand, not in
        /// a block of the take — nanoFramework's open reads and writes the directory entry
        /// (~3 ms), and a block that also read would run past its period. The first request's seek
        /// then walks only as far as the take has gone. Does nothing when progressive collection
        /// is off; a card that refuses leaves the open to the first request. With the writer's
        /// durable read (<see cref="IAppendFile.DurableReadAvailable"/>) nothing is opened: the
        /// native part has its own read handle.
        /// </summary>
        public void PrepareLive(uint takeId, int part, string path, IAppendFile writer)
        {
            if (ProgressiveEveryBlocks <= 0 || path == null)
            {
                return;
            }

            EndLive();
            live.TakeId = takeId;
            live.Part = part;
            live.Path = path;
            live.DataOffset = (uint)BwfWriter.DataOffset;
            if (writer != null && writer.DurableReadAvailable)
            {
                return; // the native writer reads for it (ServeDurableChunk): no managed handle to open
            }

            try
            {
                CloseServeFile();
                serveFile = card.Open(path, FileOpenMode.OpenRead);
                servePart = live;
                servePosition = 0;
                ProgressiveOpens++;
                liveVisibleBytes = 0;
            }
            catch (Exception)
            {
                serveFile = null;
                servePart = null;
                servePosition = -1;
            }
        }

        /// <summary>The take being recorded ended (or another starts): its read handle is closed, the next take starts afresh.</summary>
        private void EndLive()
        {
            if (servePart == live)
            {
                CloseServeFile();
            }

            live.TakeId = 0;
            live.Part = 0;
            live.Path = null;
            live.DataBytes = 0;
            live.Damaged = false;
            liveVisibleBytes = 0;
            blocksSinceLiveServe = 0;
        }
    }
}

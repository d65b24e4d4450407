using System;
using Octomix.Drivers.Bwf;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// After a take: proves and hands over the files. It computes each part's
    /// <see cref="TakeChecksum"/> a little per loop turn (FileInfo says "computing" until done),
    /// answers FileInfo from what it learnt, and serves FileRequests from the card in FileData
    /// chunks of <c>file_chunk_bytes</c>, each read straight into the datagram buffer after its
    /// 28-byte header. Takes recorded before a reboot are found on the card by name and their
    /// timeline is read back from the bext Description the recorder wrote. Buffers are allocated
    /// once; learning about a part (reading its header) allocates, once per part.
    /// <para>
    /// Both jobs are time-boxed, not sized, by <b>one budget per loop turn</b>
    /// (<c>checksum_budget_us</c>, by default <see cref="AutoBudgetPercent"/> % of the block period),
    /// measured with the board clock the loop reads (each read is a counted board call).
    /// <see cref="Turn"/> serves FileRequests first (the console is waiting for them) and gives the
    /// checksum what is left: each job starts another chunk only while one more of its average
    /// chunk of this turn still fits in the budget counted from the turn's start, and does at least
    /// one chunk per turn when it has work, so neither starves the other. A fixed amount cannot be
    /// right for every board: 4 KB of checksum, or two 1,372-byte FileData chunks, is more than a
    /// 5.33 ms block of card and interpreter work on the ESP32 (the loop falls behind the audio),
    /// while a few hundred bytes wastes a PC's time. <c>checksum_slice_bytes</c> caps the checksum
    /// bytes of one turn and <c>file_chunks_per_block</c> the FileData chunks, for a board whose
    /// clock does not move while it works (fast simulated time) and to bound the board calls of a
    /// turn.
    /// </para>
    /// </summary>
    public sealed partial class TakeFileServer
    {
        public const int MaxKnownParts = 8;
        public const int MaxQueuedRequests = 8;

        /// <summary>
        /// Bytes read and summed between two looks at the clock: 8 words, ~0.4 ms on the ESP32
        /// (summing, the card read, one read call and one clock read; docs/device-budget.md,
        /// section 6), so a turn of 1.33 ms stops close to its budget. Bigger chunks waste more of
        /// the budget (a turn stops when the next chunk would not fit), smaller ones spend more of it
        /// on the calls.
        /// </summary>
        public const int ChecksumChunkBytes = 64;

        /// <summary>The automatic budget per loop turn, percent of the block period (<see cref="AutoBudgetMicros"/>).</summary>
        public const int AutoBudgetPercent = 25;

        /// <summary>
        /// FileData payload by default: one card sector. On the ESP32 its read is ~1.0–1.7 ms (300–500
        /// KB/s) and the whole chunk, send included, ~1.3–2.5 ms (docs/device-budget.md, section 7):
        /// the turn's one guaranteed chunk stays well inside the 5.33 ms block, where the old two
        /// chunks of 1,372 bytes (5.5–9 ms of reading) did not.
        /// </summary>
        public const int DefaultChunkBytes = 512;

        /// <summary>The smallest FileData payload <c>file_chunk_bytes</c> may ask for.</summary>
        public const int MinChunkBytes = 64;

        /// <summary>The largest: what one datagram carries after the FileData header.</summary>
        public const int MaxChunkBytes = FileDataMessage.MaxData;

        private readonly IStorage card;
        private readonly IClock clock;
        private readonly int budgetMicros;
        private int restingServeBudgetMicros;
        private readonly int maxBytesPerTurn;
        private readonly int chunksPerBlock;
        private readonly int chunkBytes;
        private readonly TakePart[] known = new TakePart[MaxKnownParts];
        private int nextReplace;

        // checksum job
        private readonly TakeChecksum checksum = new TakeChecksum();
        private readonly byte[] slice;
        private readonly TakePart[] jobQueue = new TakePart[MaxKnownParts];
        private int jobCount;
        private TakePart jobPart;
        private IStorageFile jobFile;
        private long jobRemaining;

        // file requests
        private readonly uint[] reqTake = new uint[MaxQueuedRequests];
        private readonly int[] reqPart = new int[MaxQueuedRequests];
        private readonly uint[] reqOffset = new uint[MaxQueuedRequests];
        private readonly int[] reqLength = new int[MaxQueuedRequests];
        private int reqHead;
        private int reqCount;
        private readonly byte[] datagram = new byte[ProtocolConstants.MaxDatagram];
        private readonly FileDataMessage data = new FileDataMessage();
        private TakePart servePart;
        private IStorageFile serveFile;
        private long servePosition = -1;

        /// <summary>
        /// <paramref name="clock"/> times the work: each turn reads it once, then once per chunk.
        /// <paramref name="budgetMicros"/>: checksum and serving time per loop turn, together;
        /// <paramref name="maxBytesPerTurn"/>: the most bytes one turn sums whatever the clock says;
        /// <paramref name="chunksPerBlock"/>: the most FileData chunks one turn sends;
        /// <paramref name="chunkBytes"/>: file bytes per FileData chunk
        /// (<see cref="MinChunkBytes"/>..<see cref="MaxChunkBytes"/>).
        /// </summary>
        public TakeFileServer(IStorage card, IClock clock, int budgetMicros, int maxBytesPerTurn, int chunksPerBlock, int chunkBytes)
        {
            if (clock == null || budgetMicros <= 0 || maxBytesPerTurn <= 0)
            {
                throw new ArgumentException("the checksum needs a clock, a budget and a byte limit");
            }

            if (chunksPerBlock < 1 || chunkBytes < MinChunkBytes || chunkBytes > MaxChunkBytes)
            {
                throw new ArgumentException("serving needs at least 1 chunk per turn of " + MinChunkBytes + ".." + MaxChunkBytes + " bytes, not "
                    + chunksPerBlock + " of " + chunkBytes);
            }

            this.card = card;
            this.clock = clock;
            this.budgetMicros = budgetMicros;
            restingServeBudgetMicros = budgetMicros;
            this.maxBytesPerTurn = maxBytesPerTurn;
            this.chunksPerBlock = chunksPerBlock;
            this.chunkBytes = chunkBytes;
            slice = new byte[ChecksumChunkBytes];
            IServeStorage serve = card as IServeStorage;
            serveStorage = serve != null && serve.ServeAvailable ? serve : null;
        }

        /// <summary>
        /// The automatic card-work budget (checksum and serving together): <see cref="AutoBudgetPercent"/> % of one block period
        /// (1,333 µs for 256 frames at 48 kHz). The collecting loop itself uses ~1–1.5 ms of the
        /// 5.33 ms on the ESP32 (docs/device-budget.md), so a quarter leaves half the block free for
        /// catching up after a stall and for the worst chunk (one that reads a card sector).
        /// </summary>
        public static int AutoBudgetMicros(int blockFrames, int sampleRate)
        {
            return (int)(((long)blockFrames * 10000L * AutoBudgetPercent) / sampleRate);
        }

        /// <summary>The automatic native-serving budget while the box rests (<see cref="AutoRestingServeBudgetMicros"/>), percent of the block period.</summary>
        public const int AutoRestingServeBudgetPercent = 50;

        /// <summary>
        /// The automatic budget of the native file server's datagrams while the box rests — in a
        /// room, no take, not jamming, playing back or calibrating (<see cref="Resting"/>):
        /// <see cref="AutoRestingServeBudgetPercent"/> % of one block period (2,666 µs for 256 frames
        /// at 48 kHz). A resting loop sends no audio and plays only the click or silence (~1.1 ms of
        /// the 5.33 ms by the model), and a native datagram's cost is predictable (a copy out of
        /// internal RAM and a send, no card read in the loop), so half the period still leaves a
        /// third free: five datagrams a turn (≈ 1.3 MB/s by the model) where the playing budget
        /// allows two (docs/device-budget.md §7). The stock path's chunks and the checksum read the
        /// card in the loop, with a cost a slow sector can double: they keep the playing budget.
        /// </summary>
        public static int AutoRestingServeBudgetMicros(int blockFrames, int sampleRate)
        {
            return (int)(((long)blockFrames * 10000L * AutoRestingServeBudgetPercent) / sampleRate);
        }

        /// <summary>The native file server's budget while <see cref="Resting"/> (by default the constructor's budget).</summary>
        public int RestingServeBudgetMicros
        {
            get
            {
                return restingServeBudgetMicros;
            }

            set
            {
                if (value <= 0)
                {
                    throw new ArgumentOutOfRangeException("value");
                }

                restingServeBudgetMicros = value;
            }
        }

        /// <summary>
        /// True while the box rests (the controller says so before each turn): the native file
        /// server's datagrams get <see cref="RestingServeBudgetMicros"/>.
        /// </summary>
        public bool Resting { get; set; }

        /// <summary>
        /// The card-work time allowed per loop turn, µs (<c>checksum_budget_us</c>): one budget for
        /// the checksum and serving together (the native file server's while resting: <see cref="RestingServeBudgetMicros"/>).
        /// </summary>
        public int ChecksumBudgetMicros
        {
            get { return budgetMicros; }
        }

        /// <summary>File bytes per FileData chunk (<c>file_chunk_bytes</c>); the last chunk of a request may be shorter.</summary>
        public int ChunkBytes
        {
            get { return serveStorage != null ? MaxChunkBytes : chunkBytes; }
        }

        /// <summary>File bytes sent by the last turn that served.</summary>
        public int ServeBytesLastTurn { get; private set; }

        /// <summary>Clock time of the last turn of card work (its first to its last clock read), µs.</summary>
        public long MicrosLastTurn { get; private set; }

        /// <summary>The longest turn of card work, checksum and serving together, µs (by the board clock).</summary>
        public long MaxMicrosPerTurn { get; private set; }

        /// <summary>Loop turns that did checksum work.</summary>
        public long ChecksumTurns { get; private set; }

        /// <summary>Bytes summed by the last turn that did checksum work.</summary>
        public int ChecksumBytesLastTurn { get; private set; }

        /// <summary>The most bytes one turn summed.</summary>
        public int ChecksumMaxBytesPerTurn { get; private set; }

        /// <summary>Clock time of the last turn's checksum work (its first to its last clock read), µs.</summary>
        public long ChecksumMicrosLastTurn { get; private set; }

        /// <summary>The longest turn of checksum work, µs (by the board clock).</summary>
        public long ChecksumMaxMicrosPerTurn { get; private set; }

        /// <summary>True while a checksum is being computed or waits to be.</summary>
        public bool ChecksumPending
        {
            get { return jobPart != null || jobCount > 0; }
        }

        public bool HasRequests
        {
            get { return reqCount > 0; }
        }

        public long ChunksSent { get; private set; }

        /// <summary>File bytes sent in FileData chunks.</summary>
        public long BytesServed { get; private set; }

        /// <summary>Loop turns that served FileRequests.</summary>
        public long ServeTurns { get; private set; }

        /// <summary>FileData chunks sent by the last turn that served.</summary>
        public int ServeChunksLastTurn { get; private set; }

        /// <summary>The most FileData chunks one turn sent.</summary>
        public int ServeMaxChunksPerTurn { get; private set; }

        /// <summary>Clock time of the last turn's serving (its start to its last clock read), µs.</summary>
        public long ServeMicrosLastTurn { get; private set; }

        /// <summary>The longest serving of one turn, µs (by the board clock).</summary>
        public long ServeMaxMicrosPerTurn { get; private set; }

        /// <summary>FileRequests dropped: unknown take or part, offset past the end, queue full, recording.</summary>
        public long BadRequests { get; private set; }

        /// <summary>Set by the owner: header fields of the FileData datagrams (token and slot from Accept).</summary>
        public void SetIdentity(uint token, byte sourceSlot)
        {
            data.Token = token;
            data.SourceSlot = sourceSlot;
            data.DestinationSlot = Slot.Engineers;
        }

        /// <summary>
        /// A take was closed: learn its parts from the card and queue their checksums.
        /// <paramref name="firstSampleIndex"/> and <paramref name="latencyFrames"/> come from the
        /// take's timeline (the same values the recorder wrote into the description).
        /// </summary>
        public void TakeClosed(uint takeId, string path, int partCount, long firstSampleIndex, int latencyFrames)
        {
            EndLive();
            Forget(takeId);
            long first = firstSampleIndex;
            for (int part = 0; part < partCount; part++)
            {
                TakePart p = Learn(takeId, part, partCount, BwfWriter.PartPath(path, part), first, latencyFrames);
                if (p == null)
                {
                    break;
                }

                first += p.Frames;
                QueueChecksum(p);
            }
        }

        /// <summary>
        /// A part whose checksum the recorder summed as it wrote it (<see cref="Recorder.HasDigest"/>):
        /// ready now, without the pass over the file, when the file's data length is the digest's.
        /// False (the pass runs as before) when the part is unknown, damaged or of another length.
        /// </summary>
        public bool DigestKnown(uint takeId, int part, ulong a, ulong b, long length)
        {
            TakePart p = Find(takeId, part, false);
            if (p == null || p.Damaged || p.DataBytes != length)
            {
                return false;
            }

            p.ChecksumA = a;
            p.ChecksumB = b;
            p.ChecksumDone = true;
            for (int i = 0; i < jobCount; i++)
            {
                if (jobQueue[i] == p)
                {
                    jobCount--;
                    Array.Copy(jobQueue, i + 1, jobQueue, i, jobCount - i);
                    jobQueue[jobCount] = null;
                    break;
                }
            }

            return true;
        }

        /// <summary>Fills a FileInfo answer for (take, part). <paramref name="recording"/>: that take is still being recorded.</summary>
        public void Describe(FileInfoMessage info, uint takeId, int part, bool recording)
        {
            info.TakeId = takeId;
            info.Part = part;
            info.PartCount = 0;
            info.FirstSampleIndex = 0;
            info.FrameCount = 0;
            info.DataBytes = 0;
            info.DataOffsetInFile = 0;
            info.LatencySamples = -1;
            info.ChecksumA = 0;
            info.ChecksumB = 0;
            info.SampleRate = 0;
            info.Channels = 0;
            info.Format = 0;
            if (recording)
            {
                info.FileStatus = FileStatus.Recording;
                return;
            }

            TakePart p = Find(takeId, part, true);
            if (p == null)
            {
                info.FileStatus = FileStatus.NoSuchTake;
                return;
            }

            info.PartCount = p.PartCount;
            info.FirstSampleIndex = p.FirstSampleIndex;
            info.FrameCount = p.Frames;
            info.DataBytes = p.DataBytes;
            info.DataOffsetInFile = p.DataOffset;
            info.LatencySamples = p.LatencyFrames;
            info.SampleRate = p.SampleRate;
            info.Channels = p.Channels;
            info.Format = p.Format;
            if (p.Damaged)
            {
                info.FileStatus = FileStatus.Damaged;
            }
            else if (!p.ChecksumDone)
            {
                QueueChecksum(p);
                info.FileStatus = FileStatus.Computing;
            }
            else
            {
                info.FileStatus = FileStatus.Ready;
                info.ChecksumA = p.ChecksumA;
                info.ChecksumB = p.ChecksumB;
            }
        }

        /// <summary>
        /// One loop turn of card work, within the one budget: FileData chunks for the queued
        /// requests first (<see cref="Serve"/>), then the checksum with what is left
        /// (<see cref="ChecksumStep"/>). Reads the clock once at the start and once after every
        /// chunk; does nothing (not even that) when there is no work.
        /// </summary>
        public void Turn(IDatagramSender socket)
        {
            bool serve = reqCount > 0;
            bool sum = ChecksumPending;
            if (!serve && !sum)
            {
                return;
            }

            long started = clock.Microseconds;
            long now = started;
            if (serve)
            {
                now = ServeWithin(socket, started, now);
            }

            if (sum)
            {
                bool finished;
                now = ChecksumWithin(started, now, out finished);
            }

            EndTurn(started, now);
        }

        /// <summary>
        /// A loop turn of checksum work alone: chunks of <see cref="ChecksumChunkBytes"/> read and
        /// summed while the average chunk of this turn still fits in the budget (at least one
        /// chunk, at most <c>maxBytesPerTurn</c>). Returns true when a part just finished.
        /// </summary>
        public bool ChecksumStep()
        {
            if (!ChecksumPending)
            {
                return false;
            }

            long started = clock.Microseconds;
            bool finished;
            long now = ChecksumWithin(started, started, out finished);
            EndTurn(started, now);
            return finished;
        }

        /// <summary>
        /// The checksum's share of a turn that started at <paramref name="turnStarted"/>, from
        /// <paramref name="since"/> (the last clock read): another chunk only while one more of its
        /// average chunk still fits in the budget counted from the turn's start; at least one.
        /// Returns the last clock reading.
        /// </summary>
        private long ChecksumWithin(long turnStarted, long since, out bool finished)
        {
            finished = false;
            if (jobPart == null)
            {
                if (jobCount == 0)
                {
                    return since;
                }

                jobPart = jobQueue[0];
                jobCount--;
                Array.Copy(jobQueue, 1, jobQueue, 0, jobCount);
                jobQueue[jobCount] = null;
                if (jobPart.ChecksumDone || jobPart.Damaged)
                {
                    jobPart = null;
                    return since;
                }

                try
                {
                    jobFile = card.Open(jobPart.Path, FileOpenMode.OpenRead);
                    jobFile.Position = jobPart.DataOffset;
                    checksum.Reset();
                    jobRemaining = jobPart.DataBytes;
                }
                catch (Exception e)
                {
                    EndJob("cannot open: " + e.Message);
                    finished = true;
                    return since;
                }
            }

            long now = since;
            int done = 0;
            int chunks = 0;
            try
            {
                while (true)
                {
                    int want = jobRemaining < ChecksumChunkBytes ? (int)jobRemaining : ChecksumChunkBytes;
                    if (want > maxBytesPerTurn - done)
                    {
                        want = maxBytesPerTurn - done;
                    }

                    int got = 0;
                    while (got < want)
                    {
                        int n = jobFile.Read(slice, got, want - got);
                        if (n <= 0)
                        {
                            break;
                        }

                        got += n;
                    }

                    if (got < want)
                    {
                        EndJob("the file ends " + (jobRemaining - got) + " bytes early");
                        finished = true;
                        break;
                    }

                    checksum.Update(slice, 0, got);
                    jobRemaining -= got;
                    done += got;
                    chunks++;
                    now = clock.Microseconds;
                    if (jobRemaining == 0)
                    {
                        jobPart.ChecksumA = checksum.A;
                        jobPart.ChecksumB = checksum.B;
                        jobPart.ChecksumDone = true;
                        EndJob(null);
                        finished = true;
                        break;
                    }

                    // Another chunk only if one more of this turn's average size still fits.
                    if (done >= maxBytesPerTurn || (now - turnStarted) + ((now - since) / chunks) > budgetMicros)
                    {
                        break;
                    }
                }
            }
            catch (Exception e)
            {
                EndJob("read failed: " + e.Message);
                finished = true;
            }

            long elapsed = now - since;
            ChecksumTurns++;
            ChecksumBytesLastTurn = done;
            ChecksumMicrosLastTurn = elapsed;
            if (done > ChecksumMaxBytesPerTurn)
            {
                ChecksumMaxBytesPerTurn = done;
            }

            if (elapsed > ChecksumMaxMicrosPerTurn)
            {
                ChecksumMaxMicrosPerTurn = elapsed;
            }

            return now;
        }

        /// <summary>
        /// Queues a FileRequest (served by <see cref="Serve"/>). Returns false when it was dropped as
        /// bad. What the queue will send anyway is cut off the new request first (a console that
        /// gave up waiting asks again for the rest of a request still queued here: served twice, a
        /// slow box falls further behind); a request left with nothing is accepted and counted in
        /// <see cref="DuplicateRequests"/>.
        /// </summary>
        public bool Request(FileRequestMessage request)
        {
            TakePart p = Find(request.TakeId, request.Part, true);
            if (p == null || request.Offset >= p.DataBytes)
            {
                BadRequests++;
                return false;
            }

            return Enqueue(request, p.DataBytes);
        }

        /// <summary>Queues what <paramref name="request"/> asks for below <paramref name="limit"/> and the queue does not hold yet (see <see cref="Request"/>).</summary>
        private bool Enqueue(FileRequestMessage request, long limit)
        {
            long start = request.Offset;
            long end = start + request.RequestLength;
            if (end > limit)
            {
                end = limit;
            }

            if (!TrimQueued(request.TakeId, request.Part, ref start, ref end))
            {
                DuplicateRequests++;
                return true;
            }

            if (reqCount == MaxQueuedRequests)
            {
                BadRequests++;
                return false;
            }

            int at = (reqHead + reqCount) % MaxQueuedRequests;
            reqTake[at] = request.TakeId;
            reqPart[at] = request.Part;
            reqOffset[at] = (uint)start;
            reqLength[at] = (int)(end - start);
            reqCount++;
            return true;
        }

        /// <summary>FileRequests accepted with nothing to add: the queue already held all they asked for.</summary>
        public long DuplicateRequests { get; private set; }

        /// <summary>
        /// Cuts off the head and the tail of [start, end) that queued requests of the same part will
        /// send (their remaining ranges); a queued range strictly inside is left (it would split the
        /// request). False when nothing is left.
        /// </summary>
        private bool TrimQueued(uint takeId, int part, ref long start, ref long end)
        {
            bool moved = true;
            while (moved && start < end)
            {
                moved = false;
                for (int i = 0; i < reqCount; i++)
                {
                    int q = (reqHead + i) % MaxQueuedRequests;
                    if (reqTake[q] != takeId || reqPart[q] != part)
                    {
                        continue;
                    }

                    long qStart = reqOffset[q];
                    long qEnd = qStart + reqLength[q];
                    if (qStart <= start && start < qEnd)
                    {
                        start = qEnd < end ? qEnd : end;
                        moved = true;
                    }
                    else if (qStart < end && end <= qEnd && start < qStart)
                    {
                        end = qStart;
                        moved = true;
                    }
                }
            }

            return start < end;
        }

        /// <summary>Drops queued requests (a take starts: the card belongs to the recorder).</summary>
        public void DropRequests()
        {
            BadRequests += reqCount;
            reqCount = 0;
            CloseServeFile();
            EndLive();
        }

        /// <summary>
        /// A loop turn of serving alone: FileData chunks of <see cref="ChunkBytes"/> while one more
        /// of this turn's average chunk still fits in the budget (at least one, at most
        /// <c>file_chunks_per_block</c>). Returns how many were sent.
        /// </summary>
        public int Serve(IDatagramSender socket)
        {
            if (reqCount == 0)
            {
                return 0;
            }

            long started = clock.Microseconds;
            long now = ServeWithin(socket, started, started);
            EndTurn(started, now);
            return ServeChunksLastTurn;
        }

        /// <summary>
        /// Serving's share of a turn that started at <paramref name="turnStarted"/>, from
        /// <paramref name="since"/> (the last clock read). A chunk is one card read into the
        /// datagram and one send; the clock is read after each. Requests that need no card read
        /// (unknown or damaged part) are dropped on the way and cost no chunk. Returns the last
        /// clock reading.
        /// </summary>
        private long ServeWithin(IDatagramSender socket, long turnStarted, long since)
        {
            if (serveStorage != null)
            {
                return ServeNativeWithin(socket, turnStarted, since);
            }

            long now = since;
            int sent = 0;
            int reads = 0;
            long bytes = BytesServed;
            while (reqCount > 0 && sent < chunksPerBlock)
            {
                // Another chunk only if one more of this turn's average chunk still fits.
                if (reads > 0 && (now - turnStarted) + ((now - since) / reads) > budgetMicros)
                {
                    break;
                }

                int r = reqHead;
                TakePart p = Find(reqTake[r], reqPart[r], false);
                if (p == null || p.Damaged)
                {
                    BadRequests++;
                    NextRequest();
                    continue;
                }

                int got = ServeChunk(socket, p, r);
                reads++;
                now = clock.Microseconds;
                if (got > 0)
                {
                    sent++;
                    BytesServed += got;
                }
            }

            RecordServeTurn(reads, sent, (int)(BytesServed - bytes), now - since);
            return now;
        }

        private void RecordServeTurn(int reads, int sent, int bytes, long elapsed)
        {
            if (reads > 0)
            {
                ServeTurns++;
                ServeChunksLastTurn = sent;
                ServeBytesLastTurn = bytes;
                ServeMicrosLastTurn = elapsed;
                if (sent > ServeMaxChunksPerTurn)
                {
                    ServeMaxChunksPerTurn = sent;
                }

                if (elapsed > ServeMaxMicrosPerTurn)
                {
                    ServeMaxMicrosPerTurn = elapsed;
                }
            }
            else
            {
                ServeChunksLastTurn = 0;
                ServeBytesLastTurn = 0;
            }
        }

        /// <summary>
        /// Sends the <paramref name="got"/> bytes already read into the datagram after its header as
        /// the next FileData of request <paramref name="r"/> of part <paramref name="p"/>, and moves
        /// the request on by them (whether it is done is the caller's call).
        /// </summary>
        private void SendChunk(IDatagramSender socket, int r, TakePart p, int got)
        {
            data.TakeId = p.TakeId;
            data.Part = p.Part;
            data.Offset = reqOffset[r];
            data.DataLength = got;
            int length = data.WriteHeader(datagram, 0);
            socket.Send(datagram, 0, length);
            ChunksSent++;
            reqOffset[r] += (uint)got;
            reqLength[r] -= got;
        }

        /// <summary>
        /// Reads the next chunk of request <paramref name="r"/> straight into the datagram after its
        /// header and sends it. Returns the file bytes sent (0: none; the request is then dropped,
        /// and a part that cannot be read is marked damaged).
        /// </summary>
        private int ServeChunk(IDatagramSender socket, TakePart p, int r)
        {
            try
            {
                if (servePart != p)
                {
                    CloseServeFile();
                    serveFile = card.Open(p.Path, FileOpenMode.OpenRead);
                    servePart = p;
                }

                int n = reqLength[r] < chunkBytes ? reqLength[r] : chunkBytes;
                long position = p.DataOffset + (long)reqOffset[r];
                if (position != servePosition)
                {
                    serveFile.Position = position;
                }

                int got = 0;
                while (got < n)
                {
                    int k = serveFile.Read(datagram, FileDataMessage.HeaderLength + got, n - got);
                    if (k <= 0)
                    {
                        break;
                    }

                    got += k;
                }

                servePosition = position + got;
                if (got == 0)
                {
                    BadRequests++;
                    NextRequest();
                    return 0;
                }

                SendChunk(socket, r, p, got);
                if (reqLength[r] <= 0 || got < n)
                {
                    NextRequest();
                }

                return got;
            }
            catch (Exception)
            {
                p.Damaged = true;
                CloseServeFile();
                NextRequest();
                return 0;
            }
        }

        /// <summary>The part if known (or, with <paramref name="load"/>, found on the card), else null.</summary>
        public TakePart Find(uint takeId, int part, bool load)
        {
            for (int i = 0; i < known.Length; i++)
            {
                TakePart p = known[i];
                if (p != null && p.TakeId == takeId && p.Part == part)
                {
                    return p;
                }
            }

            return load ? LoadFromCard(takeId, part) : null;
        }

        private void EndTurn(long started, long now)
        {
            MicrosLastTurn = now - started;
            if (MicrosLastTurn > MaxMicrosPerTurn)
            {
                MaxMicrosPerTurn = MicrosLastTurn;
            }
        }

        private void NextRequest()
        {
            reqHead = (reqHead + 1) % MaxQueuedRequests;
            reqCount--;
        }

        private void CloseServeFile()
        {
            CloseNativeFile();
            if (serveFile != null)
            {
                try
                {
                    serveFile.Dispose();
                }
                catch (Exception)
                {
                    // nothing to save on a read handle
                }
            }

            serveFile = null;
            servePart = null;
            servePosition = -1;
        }

        private void QueueChecksum(TakePart p)
        {
            if (p == jobPart)
            {
                return;
            }

            for (int i = 0; i < jobCount; i++)
            {
                if (jobQueue[i] == p)
                {
                    return;
                }
            }

            if (jobCount < jobQueue.Length)
            {
                jobQueue[jobCount++] = p;
            }
        }

        private void EndJob(string problem)
        {
            if (problem != null)
            {
                jobPart.Damaged = true;
                jobPart.Problem = problem;
            }

            if (jobFile != null)
            {
                try
                {
                    jobFile.Dispose();
                }
                catch (Exception)
                {
                    // read handle
                }
            }

            jobFile = null;
            jobPart = null;
        }

        private void Forget(uint takeId)
        {
            for (int i = 0; i < known.Length; i++)
            {
                if (known[i] != null && known[i].TakeId == takeId)
                {
                    if (servePart == known[i] || nativePart == known[i])
                    {
                        CloseServeFile();
                    }

                    known[i] = null;
                }
            }
        }

        /// <summary>A take recorded before this boot: its timeline is in part 0's bext Description.</summary>
        private TakePart LoadFromCard(uint takeId, int part)
        {
            if (takeId == 0 || part < 0 || part > 99 || card == null || !card.IsMounted)
            {
                return null;
            }

            try
            {
                string path = Recorder.TakePath(takeId);
                if (!card.Exists(path) || !card.Exists(BwfWriter.PartPath(path, part)))
                {
                    return null;
                }

                BwfInfo info0 = BwfReader.Read(card, path);
                long first = Recorder.DescriptionValue(info0.Description, "first", 0);
                int latency = (int)Recorder.DescriptionValue(info0.Description, "latency", -1);
                int parts = 1;
                while (parts < 100 && card.Exists(BwfWriter.PartPath(path, parts)))
                {
                    parts++;
                }

                TakePart result = null;
                for (int k = 0; k <= part; k++)
                {
                    TakePart p = Learn(takeId, k, parts, BwfWriter.PartPath(path, k), first, latency);
                    if (p == null)
                    {
                        return null;
                    }

                    first += p.Frames;
                    result = p;
                }

                return result;
            }
            catch (Exception)
            {
                return null;
            }
        }

        private TakePart Learn(uint takeId, int part, int partCount, string path, long first, int latency)
        {
            TakePart existing = Find(takeId, part, false);
            if (existing != null)
            {
                return existing;
            }

            TakePart p = new TakePart();
            p.TakeId = takeId;
            p.Part = part;
            p.PartCount = partCount;
            p.Path = path;
            p.FirstSampleIndex = first;
            p.LatencyFrames = latency;
            try
            {
                BwfInfo info = BwfReader.Read(card, path);
                long bytes = info.DataBytesDeclared < info.DataBytesByLength ? info.DataBytesDeclared : info.DataBytesByLength;
                bytes -= bytes % info.BlockAlign;
                p.DataBytes = (uint)bytes;
                p.Frames = (uint)(bytes / info.BlockAlign);
                p.DataOffset = (uint)info.DataOffset;
                p.SampleRate = info.SampleRate;
                p.Channels = info.Channels;
                p.Format = (byte)SampleFormats.FromBytesPerSample(info.BitsPerSample / 8);
            }
            catch (Exception e)
            {
                p.Damaged = true;
                p.Problem = e.Message;
            }

            known[nextReplace] = p;
            nextReplace = (nextReplace + 1) % known.Length;
            return p;
        }
    }
}

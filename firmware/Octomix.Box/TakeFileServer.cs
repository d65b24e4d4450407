using System;
using Octomix.Drivers.Bwf;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// After a take: proves and hands over the files. It computes each part's
    /// <see cref="TakeChecksum"/> in slices (one card read of <c>sliceBytes</c> per loop
    /// iteration; FileInfo says "computing" until done), answers FileInfo from what it learnt,
    /// and serves FileRequests from the card in paced chunks (a few FileData datagrams per loop
    /// iteration, each read straight into the datagram buffer after its 28-byte header). Takes
    /// recorded before a reboot are found on the card by name and their timeline is read back
    /// from the bext Description the recorder wrote. Buffers are allocated once; learning about a
    /// part (reading its header) allocates, once per part.
    /// </summary>
    public sealed class TakeFileServer
    {
        public const int MaxKnownParts = 8;
        public const int MaxQueuedRequests = 8;

        private readonly IStorage card;
        private readonly int sliceBytes;
        private readonly int chunksPerBlock;
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

        public TakeFileServer(IStorage card, int sliceBytes, int chunksPerBlock)
        {
            this.card = card;
            this.sliceBytes = sliceBytes;
            this.chunksPerBlock = chunksPerBlock;
            slice = new byte[sliceBytes];
        }

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

        /// <summary>One slice of checksum work (one card read). Returns true when a part just finished.</summary>
        public bool ChecksumStep()
        {
            if (jobPart == null)
            {
                if (jobCount == 0)
                {
                    return false;
                }

                jobPart = jobQueue[0];
                jobCount--;
                Array.Copy(jobQueue, 1, jobQueue, 0, jobCount);
                jobQueue[jobCount] = null;
                if (jobPart.ChecksumDone || jobPart.Damaged)
                {
                    jobPart = null;
                    return false;
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
                    return true;
                }
            }

            try
            {
                int want = jobRemaining < sliceBytes ? (int)jobRemaining : sliceBytes;
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
                    return true;
                }

                checksum.Update(slice, 0, got);
                jobRemaining -= got;
                if (jobRemaining == 0)
                {
                    jobPart.ChecksumA = checksum.A;
                    jobPart.ChecksumB = checksum.B;
                    jobPart.ChecksumDone = true;
                    EndJob(null);
                    return true;
                }

                return false;
            }
            catch (Exception e)
            {
                EndJob("read failed: " + e.Message);
                return true;
            }
        }

        /// <summary>Queues a FileRequest (served by <see cref="Serve"/>). Returns false when it was dropped as bad.</summary>
        public bool Request(FileRequestMessage request)
        {
            TakePart p = Find(request.TakeId, request.Part, true);
            if (p == null || request.Offset >= p.DataBytes || reqCount == MaxQueuedRequests)
            {
                BadRequests++;
                return false;
            }

            int at = (reqHead + reqCount) % MaxQueuedRequests;
            reqTake[at] = request.TakeId;
            reqPart[at] = request.Part;
            reqOffset[at] = request.Offset;
            long end = (long)request.Offset + request.RequestLength;
            reqLength[at] = end > p.DataBytes ? (int)(p.DataBytes - request.Offset) : request.RequestLength;
            reqCount++;
            return true;
        }

        /// <summary>Drops queued requests (a take starts: the card belongs to the recorder).</summary>
        public void DropRequests()
        {
            BadRequests += reqCount;
            reqCount = 0;
            CloseServeFile();
        }

        /// <summary>Sends up to the configured number of FileData chunks. Returns how many were sent.</summary>
        public int Serve(IDatagramSender socket)
        {
            int sent = 0;
            while (reqCount > 0 && sent < chunksPerBlock)
            {
                int r = reqHead;
                TakePart p = Find(reqTake[r], reqPart[r], false);
                if (p == null || p.Damaged)
                {
                    BadRequests++;
                    NextRequest();
                    continue;
                }

                try
                {
                    if (servePart != p)
                    {
                        CloseServeFile();
                        serveFile = card.Open(p.Path, FileOpenMode.OpenRead);
                        servePart = p;
                    }

                    int n = reqLength[r] < FileDataMessage.MaxData ? reqLength[r] : FileDataMessage.MaxData;
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
                        continue;
                    }

                    data.TakeId = p.TakeId;
                    data.Part = p.Part;
                    data.Offset = reqOffset[r];
                    data.DataLength = got;
                    int length = data.WriteHeader(datagram, 0);
                    socket.Send(datagram, 0, length);
                    ChunksSent++;
                    sent++;
                    reqOffset[r] += (uint)got;
                    reqLength[r] -= got;
                    if (reqLength[r] <= 0 || got < n)
                    {
                        NextRequest();
                    }
                }
                catch (Exception)
                {
                    p.Damaged = true;
                    CloseServeFile();
                    NextRequest();
                }
            }

            return sent;
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

        private void NextRequest()
        {
            reqHead = (reqHead + 1) % MaxQueuedRequests;
            reqCount--;
        }

        private void CloseServeFile()
        {
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
                    if (servePart == known[i])
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

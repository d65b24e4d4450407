using System;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// Serving through the board's native file server (<see cref="IServeStorage"/>; the custom
    /// image's Octomix.NativeTakeWriter, docs/recording-path.md "Serving"): the queued requests
    /// are handed to it in order (one native call each); a task on the other core reads them into
    /// internal RAM in cluster-aligned multi-block reads; a turn takes ready FileData datagrams of
    /// up to <see cref="MaxChunkBytes"/> (one native call each, the FileData fields written by the
    /// native side after the common header written here once per file) and sends each, in the same
    /// time box as the stock path: another only while one more of the turn's average still fits.
    /// No card read and no FileData header is written by managed code per datagram.
    /// </summary>
    public sealed partial class TakeFileServer
    {
        /// <summary>
        /// The most datagrams one turn takes from the native server whatever the clock says (a
        /// clock that does not move: fast simulated time, a PC). By the model two fit the playing
        /// budget on the ESP32 and five the resting one (~0.52 ms each: docs/device-budget.md, section 7).
        /// </summary>
        public const int NativeMaxChunksPerTurn = 6;

        private readonly IServeStorage serveStorage;
        private IServeFile nativeFile;
        private TakePart nativePart;
        private int handed;

        /// <summary>True: this box serves through the board's native file server.</summary>
        public bool ServesNatively
        {
            get { return serveStorage != null; }
        }

        /// <summary>Turns that found the native server still reading (nothing ready to send).</summary>
        public long NativeWaits { get; private set; }

        private long ServeNativeWithin(IDatagramSender socket, long turnStarted, long since)
        {
            long now = since;
            int sent = 0;
            int fills = 0;
            long bytes = BytesServed;
            long budget = Resting ? restingServeBudgetMicros : budgetMicros;
            while (reqCount > 0 && sent < NativeMaxChunksPerTurn)
            {
                // Another datagram only if one more of this turn's average still fits.
                if (fills > 0 && (now - turnStarted) + ((now - since) / fills) > budget)
                {
                    break;
                }

                if (!HandOver())
                {
                    continue; // the head request was dropped (unknown or damaged part): try the next
                }

                int n;
                try
                {
                    n = nativeFile.Fill(datagram);
                }
                catch (Exception)
                {
                    nativePart.Damaged = true;
                    CloseNativeFile();
                    continue; // the part's requests are dropped by HandOver
                }

                fills++;
                now = clock.Microseconds;
                if (n <= FileDataMessage.HeaderLength)
                {
                    NativeWaits++;
                    break; // the task is still reading: next turn
                }

                socket.Send(datagram, 0, n);
                int got = n - FileDataMessage.HeaderLength;
                ChunksSent++;
                sent++;
                BytesServed += got;
                reqOffset[reqHead] += (uint)got;
                reqLength[reqHead] -= got;
                if (reqLength[reqHead] <= 0)
                {
                    NextRequest();
                    handed--;
                }
            }

            RecordServeTurn(fills, sent, (int)(BytesServed - bytes), now - since);
            return now;
        }

        /// <summary>
        /// Drops a head request the card cannot serve, opens the head's part in the native server
        /// when nothing is handed yet, and hands it the queued requests of that part in order while
        /// it has room. False when the head request was dropped (call again: the queue moved on).
        /// </summary>
        private bool HandOver()
        {
            if (handed == 0)
            {
                TakePart p = Find(reqTake[reqHead], reqPart[reqHead], false);
                if (p == null || p.Damaged)
                {
                    BadRequests++;
                    NextRequest();
                    return false;
                }

                if (nativePart != p)
                {
                    CloseNativeFile();
                    try
                    {
                        nativeFile = serveStorage.OpenServe(p.Path, MaxChunkBytes);
                    }
                    catch (Exception)
                    {
                        p.Damaged = true;
                        BadRequests++;
                        NextRequest();
                        return false;
                    }

                    nativePart = p;
                }

                // the common header of every FileData datagram of this box (the native side writes the rest)
                Message.WriteHeader(datagram, 0, data.Type, data.Token, data.SourceSlot, data.DestinationSlot, data.Flags);
            }

            while (handed < reqCount)
            {
                int r = (reqHead + handed) % MaxQueuedRequests;
                if (reqTake[r] != nativePart.TakeId || reqPart[r] != nativePart.Part)
                {
                    break; // another part: after these are sent
                }

                if (!nativeFile.Queue(reqTake[r], reqPart[r], nativePart.DataOffset, reqOffset[r], reqLength[r]))
                {
                    break; // the native queue is full
                }

                handed++;
            }

            return true;
        }

        private void CloseNativeFile()
        {
            if (nativeFile != null)
            {
                try
                {
                    nativeFile.Dispose();
                }
                catch (Exception)
                {
                    // nothing to save on a read handle
                }
            }

            // what was handed is still queued here: handed again when the file is opened again
            nativeFile = null;
            nativePart = null;
            handed = 0;
        }
    }
}

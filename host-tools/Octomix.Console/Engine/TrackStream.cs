using Octomix.Desk.Monitor;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>
/// One track of the open take as it arrives: the box's stream placed into the spool by
/// timecode, fed to the monitor, measured (jitter, loss) and NACKed; later the FileData of the
/// collection. The network thread writes; the engine and the collector read under <see cref="Sync"/>.
/// </summary>
public sealed class TrackStream : IDisposable
{
    /// <summary>A timecode further than this past F is not audio of this take (a box that restarted its stream elsewhere).</summary>
    private const long MaxTakeFrames = 48000L * 60 * 60 * 12;

    private readonly Dictionary<uint, long> _lastNack = [];
    private readonly SpoolWriter _writer;
    private long[] _partBases = [];
    private TakeTrackInfo _info;

    public TrackStream(TakeTrackInfo info, IEnumerable<ByteRange> present, SpoolWriter writer)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _info = info ?? throw new ArgumentNullException(nameof(info));
        Spool = new StreamSpool(info.SpoolPath, present);
        Slot = info.BoxSlot;
        StreamBytes = info.StreamBytes; // counted by an earlier console, when re-opened after a restart
        FetchedBytes = info.FetchedBytes;
    }

    /// <summary>Guards the fields below against the network thread.</summary>
    public Lock Sync { get; } = new();

    public TakeTrackInfo Info
    {
        get
        {
            lock (Sync)
            {
                return _info;
            }
        }
    }

    public StreamSpool Spool { get; }

    /// <summary>The box's slot now (a box that joined again may have another).</summary>
    public int Slot { get; set; }

    /// <summary>The monitor's track while the take streams; null without a monitor.</summary>
    public MonitorTrack? Monitor { get; set; }

    public long PacketsReceived { get; private set; }

    public long Retransmissions { get; private set; }

    /// <summary>Packets of another format than the track's, or before F: ignored.</summary>
    public long PacketsIgnored { get; private set; }

    /// <summary>Bytes the stream delivered that were new (including retransmissions answering NACKs).</summary>
    public long StreamBytes { get; private set; }

    /// <summary>Bytes collection fetched with FileRequest that were new (during the take and after the Stop).</summary>
    public long FetchedBytes { get; private set; }

    /// <summary>Of <see cref="FetchedBytes"/>, the ones that arrived before the engineer's Stop (progressive collection; this console's only).</summary>
    public long FetchedDuringTakeBytes { get; private set; }

    /// <summary>Progressive collection of this track while the take records; null until it has something to ask for.</summary>
    public ProgressiveFetch? Progressive { get; set; }

    private bool _duringTake;

    public long NackedPackets { get; private set; }

    /// <summary>RFC 3550 interarrival jitter of the stream (timecode as the media clock), seconds.</summary>
    public double JitterSeconds { get; private set; } = double.NaN;

    /// <summary>Timecode just past the newest frame received.</summary>
    public long HighestTimecode { get; private set; } = long.MinValue;

    /// <summary>Timecode after the box's last frame (from its Notice), or MaxValue while unknown.</summary>
    public long EndTimecode { get; private set; } = long.MaxValue;

    /// <summary>Bytes of the data the box still had not sent, as of the stop (the stream's loss).</summary>
    public long MissingAtStop { get; set; } = -1;

    /// <summary>Signalled whenever FileData arrives (the collector waits on it).</summary>
    public SemaphoreSlim DataArrived { get; } = new(0);

    private int FrameBytes => _info.FrameBytes;

    private bool _hasReference;
    private uint _referenceSequence;
    private long _referenceTimecode;
    private int _framesPerPacket;
    private double _lastTransit = double.NaN;

    /// <summary>Replaces the persisted description (the collector learnt F, format, sizes from FileInfo).</summary>
    public void Update(Func<TakeTrackInfo, TakeTrackInfo> change)
    {
        lock (Sync)
        {
            _info = change(_info);
        }
    }

    /// <summary>A packet of this track's stream (network thread).</summary>
    public void OnAudio(AudioPacket packet, byte[] datagram, long arrivalMicros, int sampleRate)
    {
        lock (Sync)
        {
            PacketsReceived++;
            bool retransmission = (packet.Flags & AudioFlags.Retransmission) != 0;
            if (retransmission)
            {
                Retransmissions++;
            }

            if (_info.Channels == 0)
            {
                _info = _info with { Channels = packet.Channels, Format = packet.Format };
            }
            else if (_info.Channels != packet.Channels || _info.Format != packet.Format)
            {
                PacketsIgnored++;
                return;
            }

            long tc = packet.Timecode;
            if (tc < _info.FirstSampleIndex || tc - _info.FirstSampleIndex > MaxTakeFrames)
            {
                PacketsIgnored++;
                return;
            }

            if (!retransmission)
            {
                // RFC 3550: J += (|D| − J) / 16, D the change of (arrival − media time) between packets
                double transit = (arrivalMicros / 1e6) - (tc / (double)sampleRate);
                if (!double.IsNaN(_lastTransit))
                {
                    double d = Math.Abs(transit - _lastTransit);
                    JitterSeconds = double.IsNaN(JitterSeconds) ? d : JitterSeconds + ((d - JitterSeconds) / 16);
                }

                _lastTransit = transit;
                _hasReference = true;
                _referenceSequence = packet.Sequence;
                _referenceTimecode = tc;
                _framesPerPacket = packet.FrameCount;
            }
            else if (!_hasReference)
            {
                _hasReference = true;
                _referenceSequence = packet.Sequence;
                _referenceTimecode = tc;
                _framesPerPacket = packet.FrameCount;
            }

            var payload = datagram.AsSpan(packet.PayloadOffset, packet.PayloadLength);
            _writer.Enqueue(this, (tc - _info.FirstSampleIndex) * FrameBytes, payload, fromStream: true);
            HighestTimecode = Math.Max(HighestTimecode, tc + packet.FrameCount);
            if (Monitor != null)
            {
                try
                {
                    Monitor.Write(tc, payload, packet.Channels, (SampleFormat)packet.Format);
                }
                catch (ArgumentException)
                {
                    PacketsIgnored++;
                }
            }
        }
    }

    /// <summary>Where each part of the box's file starts in the spool (from FileInfo).</summary>
    public void SetPartBases(long[] bases)
    {
        lock (Sync)
        {
            _partBases = bases;
        }
    }

    /// <summary>
    /// Progressive collection asks the box for ranges while the take records: FileData of part 0
    /// is taken from now on (the box's file starts at the spool's 0: both start at F) and counted
    /// as fetched during the take until <see cref="EndProgressive"/>.
    /// </summary>
    public void BeginProgressive()
    {
        lock (Sync)
        {
            if (_partBases.Length == 0)
            {
                _partBases = [0];
            }

            _duringTake = true;
        }
    }

    /// <summary>The engineer stopped the take: what arrives from now on is fetched after the Stop.</summary>
    public void EndProgressive()
    {
        lock (Sync)
        {
            _duringTake = false;
        }
    }

    /// <summary>A FileData chunk (network thread). False when it is not for a part this track knows.</summary>
    public bool OnFileData(FileDataMessage data, byte[] datagram)
    {
        lock (Sync)
        {
            // while the take records its size is not known yet: only progressive collection's part 0
            if (data.Part >= _partBases.Length || (_info.DataBytes < 0 && !(_duringTake && data.Part == 0)))
            {
                return false;
            }

            long offset = _partBases[data.Part] + data.Offset;
            if (_info.DataBytes >= 0 && offset + data.DataLength > _info.DataBytes)
            {
                return false;
            }

            _writer.Enqueue(this, offset, datagram.AsSpan(data.DataOffset, data.DataLength), fromStream: false);
        }

        return true;
    }

    /// <summary>The spool writer wrote a chunk; <paramref name="added"/> of its bytes were new.</summary>
    public void Count(long added, bool fromStream)
    {
        lock (Sync)
        {
            if (fromStream)
            {
                StreamBytes += added;
            }
            else
            {
                FetchedBytes += added;
                if (_duringTake)
                {
                    FetchedDuringTakeBytes += added;
                }
            }
        }

        if (!fromStream)
        {
            DataArrived.Release();
        }
    }

    /// <summary>The box said its take ended after <paramref name="frames"/> frames.</summary>
    public void SetFrames(long frames)
    {
        lock (Sync)
        {
            EndTimecode = _info.FirstSampleIndex + frames;
        }

        Monitor?.SetEnd(EndTimecode);
    }

    /// <summary>
    /// The NACK for what the monitor can still use: its fetchable timecode gaps mapped to sequence
    /// numbers (each packet of a take stream is <c>framesPerPacket</c> frames, numbered in order),
    /// each packet asked for at most once per <paramref name="repeatAfterMicros"/>. False when
    /// there is nothing to ask for.
    /// </summary>
    public bool BuildNack(NackMessage nack, Span<TimecodeRange> gaps, long nowMicros, long repeatAfterMicros)
    {
        nack.Clear();
        if (Monitor == null)
        {
            return false;
        }

        int n = Monitor.GetFetchableGaps(gaps);
        lock (Sync)
        {
            if (!_hasReference || _framesPerPacket <= 0)
            {
                return false;
            }

            if (EndTimecode != long.MaxValue && HighestTimecode < EndTimecode && n < gaps.Length)
            {
                // the take's last packets: the monitor cannot know they are missing (they come after
                // everything received), the box's end notice says they are
                gaps[n++] = new TimecodeRange(Math.Max(HighestTimecode, _info.FirstSampleIndex), EndTimecode);
            }

            for (int i = 0; i < n && nack.RangeCount < NackMessage.MaxRanges; i++)
            {
                long first = FloorDiv(gaps[i].Start - _referenceTimecode, _framesPerPacket);
                long last = FloorDiv(gaps[i].End - 1 - _referenceTimecode, _framesPerPacket);
                long runStart = long.MinValue;
                for (long k = first; k <= last && k <= first + 512; k++)
                {
                    uint sequence = unchecked(_referenceSequence + (uint)k);
                    long packetStart = (_referenceTimecode + (k * _framesPerPacket) - _info.FirstSampleIndex) * FrameBytes;
                    bool due = packetStart >= 0
                        && !Spool.Contains(packetStart, packetStart + (_framesPerPacket * FrameBytes)) // the spool has it (e.g. from before a restart)
                        && (!_lastNack.TryGetValue(sequence, out long at) || nowMicros - at >= repeatAfterMicros);
                    if (due)
                    {
                        _lastNack[sequence] = nowMicros;
                        NackedPackets++;
                        runStart = runStart == long.MinValue ? k : runStart;
                    }

                    if ((!due || k == last || k == first + 512) && runStart != long.MinValue)
                    {
                        long end = due ? k : k - 1;
                        nack.AddRange(unchecked(_referenceSequence + (uint)runStart), (int)(end - runStart + 1));
                        runStart = long.MinValue;
                        if (nack.RangeCount == NackMessage.MaxRanges)
                        {
                            break;
                        }
                    }
                }
            }

            if (_lastNack.Count > 4096)
            {
                // forget old entries: the box's retransmit ring holds 2 s anyway
                foreach (var key in _lastNack.Where(e => nowMicros - e.Value > 5_000_000).Select(e => e.Key).ToList())
                {
                    _lastNack.Remove(key);
                }
            }
        }

        return nack.RangeCount > 0;
    }

    public void Dispose()
    {
        Spool.Dispose();
        DataArrived.Dispose();
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}

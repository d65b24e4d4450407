using Octomix.Box;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.DeviceModel;

/// <summary>
/// Turns the box's counted board calls (<see cref="HalCallCounter.Listener"/>) into
/// <see cref="BlockCounts"/>: each call is a native entry plus its wrapper's managed work and its
/// native work; file calls go through <see cref="SdCardModel"/> to become card commands.
/// </summary>
public sealed class DeviceListener : IHalCallListener
{
    public DeviceListener(SdCardModel card)
    {
        Card = card ?? throw new ArgumentNullException(nameof(card));
    }

    public SdCardModel Card { get; }

    /// <summary>The native file server's read (take_serve_esp32.c OCTO_SERVE_PIECE; SimulatedServeFile.PieceBytes).</summary>
    public const int NativeServePieceBytes = 16384;

    /// <summary>The block being counted (also the card model's target).</summary>
    public BlockCounts Counts => Card.Counts;

    public void Call(int kind, IStorageFile file, byte[] buffer, int offset, int count)
    {
        var c = Counts;
        c.NativeCalls++;
        switch (kind)
        {
            case HalCall.AudioRead:
                Managed(c, ManagedWork.CaptureReadCalls, ManagedWork.CaptureReadStatements);
                c.I2sReadBytes += count;
                break;
            case HalCall.AudioWrite:
                Managed(c, ManagedWork.PlaybackWriteCalls, ManagedWork.PlaybackWriteStatements);
                c.I2sWriteBytes += count;
                break;
            case HalCall.Clock:
            case HalCall.WallClock:
                Managed(c, ManagedWork.ClockCalls, ManagedWork.ClockStatements);
                c.TimerReads++;
                break;
            case HalCall.Button:
            case HalCall.Lights:
            case HalCall.Knob:
                c.GpioOps++; // their managed work is the loop's (ManagedWork.LoopCalls)
                break;
            case HalCall.Send:
                c.DatagramsSent++;
                c.DatagramBytesSent += count;
                if (buffer != null && Message.Peek(buffer, offset, count, out var type) == DecodeResult.Ok && type == MessageType.Audio)
                {
                    Managed(c, ManagedWork.AudioSendCalls, ManagedWork.AudioSendStatements);
                    c.NativeCalls++; // the payload's Array.Copy into the retransmit ring
                    c.BytesCopied += Math.Max(0, count - AudioPacket.HeaderLength);
                }
                else
                {
                    Managed(c, ManagedWork.OtherSendCalls, ManagedWork.OtherSendStatements);
                }

                break;
            case HalCall.Receive:
                if (count > 0)
                {
                    c.DatagramsReceived++;
                    Managed(c, ManagedWork.ReceivedCalls, ManagedWork.ReceivedStatements);
                }
                else
                {
                    c.Polls++;
                    Managed(c, ManagedWork.PollCalls, ManagedWork.PollStatements);
                }

                break;
            case HalCall.FileOpen:
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                if (file is IAppendFile)
                {
                    Card.OpenAppend(file, count, offset); // the piece and the sync interval
                }
                else
                {
                    Card.Open(file, file.Length, file.Position);
                }

                break;
            case HalCall.FileAppend:
                Managed(c, ManagedWork.CardWriteCalls, ManagedWork.CardWriteStatements);
                Card.Append(file, count);
                break;
            case HalCall.FileWrite:
                Managed(c, ManagedWork.CardWriteCalls, ManagedWork.CardWriteStatements);
                Card.Write(file, count);
                break;
            case HalCall.FileRead:
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                Card.Read(file, count);
                break;
            case HalCall.FileSeek:
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                Card.Seek(file, count);
                break;
            case HalCall.FileFlush:
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                Card.Flush(file);
                break;
            case HalCall.FileClose:
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                Card.Close(file);
                break;
            case HalCall.ServeOpen:
                // take_serve_open in the loop: f_open (the directory sector), the slots' malloc, the task's start
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                c.FatFsCalls++;
                c.SdSectorReads++;
                break;
            case HalCall.ServeQueue:
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                break;
            case HalCall.ServeFill:
                // the counted wrapper; the native side copies the datagram's body out of its slot
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                if (count > FileDataMessage.HeaderLength)
                {
                    int data = count - FileDataMessage.HeaderLength;
                    c.BytesCopied += data + 16;
                    Card.ServeTaskRead(data, NativeServePieceBytes);
                }

                break;
            case HalCall.DurableRead:
                // the counted wrapper; the native side: the read's card command and its copy out (no chain walk)
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                if (count > 0)
                {
                    c.Add(CostModel.NativeDurableRead(offset, count), 1);
                }

                break;
            default:
                Managed(c, ManagedWork.FileCallCalls, ManagedWork.FileCallStatements);
                break;
        }
    }

    private static void Managed(BlockCounts c, int calls, int statements)
    {
        c.ManagedCalls += calls;
        c.Statements += statements;
    }
}

using Octomix.Protocol;

namespace Octomix.Desk.Link;

/// <summary>
/// What the console does with what arrives from the room. Called on the link's network thread,
/// one call at a time: keep it short and never block. Message objects and buffers are reused
/// after the call returns: copy what you keep.
/// </summary>
public interface ILinkReceiver
{
    /// <summary>A box's Status, forwarded by the server (the ready indicators).</summary>
    void OnStatus(StatusMessage status, long arrivalMicros);

    /// <summary>A box's Audio packet; the payload is at <c>packet.PayloadOffset</c> in <paramref name="datagram"/>.</summary>
    void OnAudio(AudioPacket packet, byte[] datagram, long arrivalMicros);

    /// <summary>A chunk of a take file answering a FileRequest; the data is at <c>data.DataOffset</c>.</summary>
    void OnFileData(FileDataMessage data, byte[] datagram);

    /// <summary>A box's Notice (already acknowledged; duplicates are filtered out).</summary>
    void OnNotice(NoticeMessage notice);

    /// <summary>
    /// A box in the room as the server announces it to engineers (slot = its source slot): when
    /// it joins, every box when the console joins, and repeated every second (so the same box
    /// arrives again and again: treat it as the same member).
    /// </summary>
    void OnMemberJoined(JoinMessage join);

    /// <summary>
    /// A box's slot was freed, as the server announces it: the box left
    /// (<paramref name="freedByServer"/> false), or the server freed it because it went silent
    /// for the slot timeout or joined again (true; a rejoin is followed by its new Join).
    /// </summary>
    void OnMemberLeft(int slot, bool freedByServer);

    /// <summary>Called every few milliseconds on the network thread (timers: NACKs, spool flushes).</summary>
    void OnTick(long nowMicros);
}

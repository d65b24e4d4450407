namespace Octomix.Server;

/// <summary>Why a room dropped a datagram. Each has its own counter (RoomStatus.Drops).</summary>
public enum DropReason
{
    /// <summary>Failed the header check (length, magic, version, type): Message.Peek.</summary>
    BadHeader,

    /// <summary>Not a Join, from an address that owns no slot (a stranger).</summary>
    NotMember,

    /// <summary>The token is not the one of the slot named as source.</summary>
    BadToken,

    /// <summary>Right token for the slot named as source, but from another member's address.</summary>
    AddressMismatch,

    /// <summary>A Join over the per-address rate limit: no reply at all.</summary>
    RateLimited,

    /// <summary>A Join that does not decode.</summary>
    BadJoin,

    /// <summary>From a member, but the body does not decode (audio, status, mix levels).</summary>
    Malformed,

    /// <summary>Addressed to a slot nobody holds (or a room without engineers).</summary>
    EmptyDestination,

    /// <summary>A type or destination this sender may not use (a box commanding another box...).</summary>
    NotAllowed,

    /// <summary>A reply to an unauthenticated source that would have been larger than its request.</summary>
    AmplificationGuard,

    /// <summary>The kernel refused to send (send buffer full, unreachable).</summary>
    SendFailed,

    /// <summary>Not Octomix, in a room open to RTJam, from a source outside its allow list: nothing is sent back.</summary>
    RtJamStranger,

    /// <summary>Not Octomix, from an allowed source, but not an RTJam packet either (short, odd length, too long, SampleRate not 48 kHz).</summary>
    RtJamMalformed,

    /// <summary>An RTJam packet from a new ClientId while every jammer slot is taken.</summary>
    RtJamRoomFull,

    /// <summary>Audio from a listen-only member (listeners never send audio).</summary>
    ListenerAudio,
}

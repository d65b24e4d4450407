using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// The states of <see cref="BoxController"/>. The numbers are the wire codes of
    /// <see cref="BoxStateCode"/> (Status byte 20), so a state goes on the wire without a table.
    /// </summary>
    public enum BoxState
    {
        /// <summary>Mounting the card, reading settings, repairing files, SD self-test, codec and audio start.</summary>
        Booting = BoxStateCode.Booting,
        /// <summary>Joining the Wi-Fi network and opening the socket to the server.</summary>
        Network = BoxStateCode.Network,
        /// <summary>On the network, not in a room: waiting for a press of the join button.</summary>
        Idle = BoxStateCode.Idle,
        /// <summary>Join sent (retried) until Accept or Reject.</summary>
        Joining = BoxStateCode.Joining,
        /// <summary>In a room, calibrated, waiting for the engineer.</summary>
        Ready = BoxStateCode.Ready,
        /// <summary>Measuring the round-trip latency L through the codec's calibration routing.</summary>
        Calibrating = BoxStateCode.Calibrating,
        /// <summary>A take is running: start delay, pre-roll and count-in clicks (the file is already being written).</summary>
        CountIn = BoxStateCode.CountIn,
        /// <summary>A take is running past take sample 0.</summary>
        Recording = BoxStateCode.Recording,
        /// <summary>The take ended: the file is being closed with its final sizes.</summary>
        Stopping = BoxStateCode.Stopping,
        /// <summary>After a take: checksum being computed, file ranges served to the console.</summary>
        Collecting = BoxStateCode.Collecting,
        /// <summary>Streaming capture to the room and playing the server's personal mix.</summary>
        Jamming = BoxStateCode.Jamming,
        /// <summary>Playing what the engineer streams (a take played back).</summary>
        Playback = BoxStateCode.Playback,
        /// <summary>A fault the box cannot get out of by itself (settings, codec, audio): the lights show its code.</summary>
        Error = BoxStateCode.Error,
    }
}

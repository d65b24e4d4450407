namespace Octomix.Box
{
    /// <summary>
    /// What caused a state change. Every transition of <see cref="BoxController"/> names one of
    /// these and is logged with it, so the log reads as a story ("ready -> count-in on record command").
    /// </summary>
    public enum BoxEvent
    {
        BootCompleted = 1,
        BootFailed,
        NetworkUp,
        NetworkDown,
        ShortPress,
        LongPress,
        JoinAccepted,
        JoinRejected,
        JoinTimedOut,
        RetryTimer,
        ServerLost,
        CalibrationDone,
        CalibrationFailed,
        CalibrateCommand,
        RecordCommand,
        CountInDone,
        StopCommand,
        CardFull,
        CardError,
        FileClosed,
        CollectingDone,
        PlaybackStartCommand,
        PlaybackStopCommand,
        JamOn,
        JamOff,
        CodecFault,
        AudioFault,
        SettingsError,
        AutoJoin,
        LeaveCommand,
        PipelineStall,
        CardChanged,
    }

    /// <summary>Names of <see cref="BoxEvent"/> without enum reflection (nanoFramework's Enum.ToString prints the number).</summary>
    public static class BoxEvents
    {
        public static string Name(BoxEvent e)
        {
            switch (e)
            {
                case BoxEvent.BootCompleted: return "boot completed";
                case BoxEvent.BootFailed: return "boot failed";
                case BoxEvent.NetworkUp: return "network up";
                case BoxEvent.NetworkDown: return "network down";
                case BoxEvent.ShortPress: return "short press";
                case BoxEvent.LongPress: return "long press";
                case BoxEvent.JoinAccepted: return "join accepted";
                case BoxEvent.JoinRejected: return "join rejected";
                case BoxEvent.JoinTimedOut: return "join timed out";
                case BoxEvent.RetryTimer: return "retry timer";
                case BoxEvent.ServerLost: return "server lost";
                case BoxEvent.CalibrationDone: return "calibration done";
                case BoxEvent.CalibrationFailed: return "calibration failed";
                case BoxEvent.CalibrateCommand: return "calibrate command";
                case BoxEvent.RecordCommand: return "record command";
                case BoxEvent.CountInDone: return "count-in done";
                case BoxEvent.StopCommand: return "stop command";
                case BoxEvent.CardFull: return "card full";
                case BoxEvent.CardError: return "card error";
                case BoxEvent.FileClosed: return "file closed";
                case BoxEvent.CollectingDone: return "collecting done";
                case BoxEvent.PlaybackStartCommand: return "playback start command";
                case BoxEvent.PlaybackStopCommand: return "playback stop command";
                case BoxEvent.JamOn: return "jam on";
                case BoxEvent.JamOff: return "jam off";
                case BoxEvent.CodecFault: return "codec fault";
                case BoxEvent.AudioFault: return "audio fault";
                case BoxEvent.SettingsError: return "settings error";
                case BoxEvent.AutoJoin: return "auto join";
                case BoxEvent.LeaveCommand: return "leave";
                case BoxEvent.PipelineStall: return "pipeline stall";
                case BoxEvent.CardChanged: return "card changed";
                default: return "event " + (int)e;
            }
        }
    }
}

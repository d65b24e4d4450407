using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// What <see cref="CommandHandler"/> needs of the state machine (<see cref="BoxController"/>):
    /// where it stands and the one way to move it. An interface so the command handling can be
    /// driven without a whole box (CommandHandlerTests).
    /// </summary>
    public interface IBoxMachine
    {
        /// <summary>The state the box is in now.</summary>
        BoxState State { get; }

        /// <summary>Where a finished playback goes back to: jamming when the jam setting is on, else ready.</summary>
        BoxState RestingState { get; }

        /// <summary>The measured round trip L in frames, -1 when not measured since the last join.</summary>
        int LatencyFrames { get; }

        /// <summary>The one way the state changes (logged, lights, enter/exit actions).</summary>
        void Transition(BoxState to, BoxEvent cause, string detail);

        /// <summary>
        /// Starts the take a Record asks for and moves to count-in; false when the card refused the
        /// file or the click its tempo (the box stays where it was).
        /// </summary>
        bool StartTake(RecordMessage record);
    }
}

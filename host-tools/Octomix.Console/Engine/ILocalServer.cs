using System.Net;

namespace Octomix.Desk.Engine;

/// <summary>
/// The room server in the console's own process, as the composition root (the CLI) provides it.
/// The engine references no server: it only asks for a one-room server with the session's join
/// code and rate once it knows them (from the session database), and joins the endpoint it gets.
/// The provider starts the server and stops it (after the engine is disposed); the engine never
/// stops it.
/// </summary>
public interface ILocalServer
{
    /// <summary>
    /// Starts the room (or returns it when it is already running with this code and rate) and
    /// returns where the console joins it (a loopback address, the room's UDP port).
    /// Throws <see cref="InvalidOperationException"/> with a message for the engineer when the
    /// port is taken.
    /// </summary>
    Task<IPEndPoint> StartRoomAsync(LocalRoom room, CancellationToken cancel);
}

/// <summary>What the in-process server's single room needs: the session's join code and sample rate.</summary>
public sealed record LocalRoom(string JoinCode, int SampleRate);

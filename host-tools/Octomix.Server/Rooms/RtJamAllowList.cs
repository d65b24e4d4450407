using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Octomix.Server.Rooms;

/// <summary>
/// The source networks RTJam clients may come from (RTJam has no authentication: this is all a
/// room opened to it checks), as CIDR prefixes, or every address ("any"). IPv4 networks are kept
/// as IPv4-mapped IPv6, so one comparison serves an IPv4 socket and a dual-mode one. Matching a
/// raw sockaddr allocates nothing.
/// </summary>
internal sealed unsafe class RtJamAllowList
{
    private readonly byte[][] networks;
    private readonly int[] prefixBits;

    private RtJamAllowList(byte[][] networks, int[] prefixBits, bool any)
    {
        this.networks = networks;
        this.prefixBits = prefixBits;
        AllowsAny = any;
    }

    public bool AllowsAny { get; }

    /// <summary>Parses the entries ("a.b.c.d/n", "a.b.c.d", an IPv6 prefix, or the single entry "any"); null and <paramref name="problem"/> when one is not.</summary>
    public static RtJamAllowList? TryParse(IReadOnlyList<string> entries, out string? problem)
    {
        problem = null;
        if (entries.Count == 1 && entries[0].Trim().Equals("any", StringComparison.OrdinalIgnoreCase))
        {
            return new RtJamAllowList([], [], any: true);
        }

        var nets = new byte[entries.Count][];
        var bits = new int[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            string e = entries[i].Trim();
            if (e.Equals("any", StringComparison.OrdinalIgnoreCase))
            {
                problem = "RTJam allow list: \"any\" must be the only entry";
                return null;
            }

            int slash = e.IndexOf('/', StringComparison.Ordinal);
            string addressText = slash < 0 ? e : e[..slash];
            if (!IPAddress.TryParse(addressText, out var address))
            {
                problem = $"RTJam allow list: \"{e}\" is not a network (a.b.c.d/n, an IPv6 prefix, or any)";
                return null;
            }

            bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
            int max = v4 ? 32 : 128;
            int prefix = max;
            if (slash >= 0 && (!int.TryParse(e[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max))
            {
                problem = $"RTJam allow list: \"{e}\" has a prefix length that is not 0..{max}";
                return null;
            }

            nets[i] = (v4 ? address.MapToIPv6() : address).GetAddressBytes();
            bits[i] = v4 ? prefix + 96 : prefix;
        }

        return new RtJamAllowList(nets, bits, any: false);
    }

    /// <summary>True when the raw sockaddr (sockaddr_in or sockaddr_in6) is in one of the networks.</summary>
    public bool Allows(byte* address, int length)
    {
        if (AllowsAny)
        {
            return true;
        }

        byte* ip = stackalloc byte[16];
        if (length >= 24)
        {
            for (int k = 0; k < 16; k++)
            {
                ip[k] = address[8 + k];
            }
        }
        else if (length >= 8)
        {
            for (int k = 0; k < 10; k++)
            {
                ip[k] = 0;
            }

            ip[10] = 0xFF;
            ip[11] = 0xFF;
            for (int k = 0; k < 4; k++)
            {
                ip[12 + k] = address[4 + k];
            }
        }
        else
        {
            return false;
        }

        for (int n = 0; n < networks.Length; n++)
        {
            if (InPrefix(ip, networks[n], prefixBits[n]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><see cref="Allows(byte*, int)"/> for a raw sockaddr in an array.</summary>
    public bool Allows(byte[] raw)
    {
        fixed (byte* p = raw)
        {
            return Allows(p, raw.Length);
        }
    }

    private static bool InPrefix(byte* ip, byte[] network, int bits)
    {
        int whole = bits / 8;
        for (int k = 0; k < whole; k++)
        {
            if (ip[k] != network[k])
            {
                return false;
            }
        }

        int rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (ip[whole] & mask) == (network[whole] & mask);
    }
}

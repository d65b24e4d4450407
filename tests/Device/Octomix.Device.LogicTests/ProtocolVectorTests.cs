using nanoFramework.TestFramework;
using Octomix.Protocol;

namespace Octomix.Device.LogicTests
{
    /// <summary>
    /// The wire format on the box's own runtime: every vector of docs/protocol-vectors.txt (the
    /// generated copy ProtocolVectors.g.cs) decodes to its fields, re-encodes to its bytes, and
    /// every malformed datagram gives its DecodeResult without an exception. The host runs the
    /// same checks against the same file (tests/Octomix.Protocol.Tests), so both ends agree byte
    /// for byte — including nanoFramework's UTF-8, BitConverter and string formatting.
    /// </summary>
    [TestClass]
    public class ProtocolVectorTests
    {
        [TestMethod]
        public void EveryGoodVectorDecodesToItsFieldsAndReEncodesToItsBytes()
        {
            Assert.IsTrue(ProtocolVectors.GoodNames.Length >= 19, "a vector for every message type");
            bool[] seen = new bool[256];
            byte[] again = new byte[ProtocolConstants.MaxDatagram];
            for (int i = 0; i < ProtocolVectors.GoodNames.Length; i++)
            {
                string name = ProtocolVectors.GoodNames[i];
                byte[] bytes = Hex.Parse(ProtocolVectors.GoodHex[i]);
                MessageType type;
                Assert.AreEqual((int)DecodeResult.Ok, (int)Message.Peek(bytes, 0, bytes.Length, out type), name + ": header");
                seen[(int)type] = true;
                Message message = Messages.NewFor(type);
                Assert.AreEqual((int)DecodeResult.Ok, (int)message.Read(bytes, 0, bytes.Length), name + ": body");
                Assert.AreEqual(ProtocolVectors.GoodFields[i], message.Describe(), name + ": fields");

                int n = Encode(message, bytes, again);
                Assert.AreEqual(bytes.Length, n, name + ": length");
                for (int b = 0; b < n; b++)
                {
                    Assert.AreEqual(bytes[b], again[b], name + ": byte " + b);
                }
            }

            byte[] types = Messages.AllTypes;
            for (int t = 0; t < types.Length; t++)
            {
                Assert.IsTrue(seen[types[t]], "no vector for message type " + Message.MessageTypeName((MessageType)types[t]));
            }
        }

        [TestMethod]
        public void EveryBadVectorGivesItsResult()
        {
            Assert.IsTrue(ProtocolVectors.BadNames.Length >= 10, "malformed datagrams");
            for (int i = 0; i < ProtocolVectors.BadNames.Length; i++)
            {
                byte[] bytes = Hex.Parse(ProtocolVectors.BadHex[i]);
                Message decoder = Messages.NewFor(ProtocolVectors.BadDecodeAs[i]);
                Assert.AreEqual((int)ProtocolVectors.BadExpected[i], (int)decoder.Read(bytes, 0, bytes.Length), ProtocolVectors.BadNames[i]);
            }
        }

        /// <summary>Every prefix of every good datagram is refused with a result, never an exception.</summary>
        [TestMethod]
        public void TruncatedDatagramsAreRefusedWithoutAnException()
        {
            for (int i = 0; i < ProtocolVectors.GoodNames.Length; i++)
            {
                byte[] bytes = Hex.Parse(ProtocolVectors.GoodHex[i]);
                MessageType type;
                Message.Peek(bytes, 0, bytes.Length, out type);
                Message message = Messages.NewFor(type);
                for (int length = 0; length < bytes.Length; length++)
                {
                    DecodeResult r = message.Read(bytes, 0, length);
                    Assert.AreNotEqual((int)DecodeResult.Ok, (int)r, ProtocolVectors.GoodNames[i] + " cut to " + length + " bytes");
                }
            }
        }

        private static int Encode(Message message, byte[] original, byte[] buffer)
        {
            AudioPacket audio = message as AudioPacket;
            if (audio != null)
            {
                return audio.Write(buffer, 0, original, audio.PayloadOffset);
            }

            FileDataMessage data = message as FileDataMessage;
            if (data != null)
            {
                System.Array.Copy(original, data.DataOffset, buffer, FileDataMessage.HeaderLength, data.DataLength);
                return data.WriteHeader(buffer, 0);
            }

            return message.Write(buffer, 0);
        }
    }
}

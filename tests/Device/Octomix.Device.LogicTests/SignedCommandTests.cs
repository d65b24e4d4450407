using nanoFramework.TestFramework;
using Octomix.Protocol;

namespace Octomix.Device.LogicTests
{
    /// <summary>
    /// Command authentication on the box's own runtime (its 64-bit arithmetic and shifts): the
    /// SipHash-2-4 reference vectors, and every signed command of docs/protocol-vectors.txt (the
    /// generated copy) — its key derived from join code, box id and Join id, its MAC, its fields,
    /// its bytes when signed again. The host checks the same file (tests/Octomix.Protocol.Tests).
    /// </summary>
    [TestClass]
    public class SignedCommandTests
    {
        [TestMethod]
        public void SipHashGivesThePapersVectors()
        {
            byte[] message = new byte[16];
            for (int i = 0; i < message.Length; i++)
            {
                message[i] = (byte)i;
            }

            ulong k0 = 0x0706050403020100UL;
            ulong k1 = 0x0f0e0d0c0b0a0908UL;
            Assert.AreEqual(0x726fdb47dd0e0e31UL, SipHash.Compute(k0, k1, message, 0, 0), "empty");
            Assert.AreEqual(0x74f839c593dc67fdUL, SipHash.Compute(k0, k1, message, 0, 1), "1 byte");
            Assert.AreEqual(0x93f5f5799a932462UL, SipHash.Compute(k0, k1, message, 0, 8), "8 bytes");
            Assert.AreEqual(0xa129ca6149be45e5UL, SipHash.Compute(k0, k1, message, 0, 15), "15 bytes");
        }

        [TestMethod]
        public void EverySignedVectorHasItsKeyVerifiesDecodesAndReSignsToItsBytes()
        {
            Assert.IsTrue(ProtocolVectors.SignedNames.Length >= 8, "a signed vector for every authenticated type");
            byte[] again = new byte[ProtocolConstants.MaxDatagram];
            for (int i = 0; i < ProtocolVectors.SignedNames.Length; i++)
            {
                string name = ProtocolVectors.SignedNames[i];
                byte[] bytes = Hex.Parse(ProtocolVectors.SignedHex[i]);
                ulong k0;
                ulong k1;
                CommandAuth.DeriveKey(ProtocolVectors.SignedJoinCodes[i], ProtocolVectors.SignedBoxIds[i], ProtocolVectors.SignedJoinIds[i], out k0, out k1);
                Assert.AreEqual(ProtocolVectors.SignedKeys0[i], k0, name + ": k0");
                Assert.AreEqual(ProtocolVectors.SignedKeys1[i], k1, name + ": k1");

                CommandVerifier verifier = new CommandVerifier();
                verifier.SetKey(k0, k1);
                Assert.AreEqual((int)CommandCheck.Fresh, (int)verifier.Verify(bytes, 0, bytes.Length), name + ": verify");
                Assert.AreEqual((int)CommandCheck.Replayed, (int)verifier.Verify(bytes, 0, bytes.Length), name + ": replay");

                int n = bytes.Length - CommandAuth.TrailerLength;
                MessageType type;
                Assert.AreEqual((int)DecodeResult.Ok, (int)Message.Peek(bytes, 0, n, out type), name + ": header");
                Message message = Messages.NewFor(type);
                Assert.AreEqual((int)DecodeResult.Ok, (int)message.Read(bytes, 0, n), name + ": body");
                Assert.AreEqual(ProtocolVectors.SignedFields[i], message.Describe(), name + ": fields");

                int length = CommandAuth.Sign(again, 0, message.Write(again, 0), ProtocolVectors.SignedSequences[i], k0, k1);
                Assert.AreEqual(bytes.Length, length, name + ": length");
                for (int b = 0; b < length; b++)
                {
                    Assert.AreEqual(bytes[b], again[b], name + ": byte " + b);
                }
            }
        }
    }
}

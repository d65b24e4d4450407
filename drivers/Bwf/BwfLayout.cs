namespace Octomix.Drivers.Bwf
{
    /// <summary>
    /// The fixed byte layout of every file <see cref="BwfWriter"/> writes (docs/bwf-file-layout.md
    /// has the full table). Everything before the audio has a fixed size, so the audio always
    /// starts at <see cref="DataOffset"/> and a size update touches only two 4-byte fields.
    /// </summary>
    public static class BwfLayout
    {
        /// <summary>RIFF size field (file length - 8).</summary>
        public const int RiffSizeOffset = 4;
        /// <summary>The 28-byte JUNK chunk reserved for a later ds64 (RF64) starts here.</summary>
        public const int Ds64ReserveOffset = 12;
        public const int Ds64ReserveSize = 28;
        /// <summary>fmt chunk (PCM, 16-byte body).</summary>
        public const int FmtOffset = 48;
        /// <summary>bext chunk header; its body is 602 bytes + CodingHistory.</summary>
        public const int BextOffset = 72;
        public const int BextFixedSize = 602;
        /// <summary>iXML body size (UTF-8 XML padded with spaces; rewritable in place).</summary>
        public const int IxmlSize = 3072;
        /// <summary>The data chunk header ("data", size); the size field is at DataOffset - 4.</summary>
        public const int DataHeaderOffset = 4088;
        /// <summary>First audio byte: 8 × 512-byte sectors, one 4 KiB cluster.</summary>
        public const int DataOffset = 4096;
        public const int DataSizeOffset = DataOffset - 4;
        /// <summary>
        /// 16 ASCII bytes the native take writer puts at the start of the ds64 reserve's body (the
        /// first JUNK chunk) when it keeps the header sizes equal to what it synced
        /// (native/OctomixTakeWriter/take_header.h): <see cref="BwfRepair"/> then trusts the sizes
        /// and cuts the file there, whatever its length (a power cut leaves its whole preallocation).
        /// </summary>
        public const string SyncedSizesMark = "OctomixSyncSizes";
        public const int SyncedSizesMarkOffset = Ds64ReserveOffset + 8;
    }
}

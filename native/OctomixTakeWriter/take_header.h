/*
 * Octomix native take writer: the durable header (platform-free, host-compiled and unit-tested).
 *
 * FatFs's f_expand(fp, size, 1) — the take's preallocation — also sets the file's size, so every
 * f_sync of the take commits a directory entry that says the whole preallocation: after a power
 * cut the file is that long, stale card content after the audio, and its length says nothing
 * about what was written. So the header must: the task keeps a copy of the header's sectors that
 * hold the RIFF size and the data chunk's size (captured from the first piece it writes, the
 * BwfWriter's header), and before each f_sync of the take sets them to the whole frames of what
 * is then on the card and writes them back — one or two single-sector writes, about once a
 * second, in the task. The header is then always a valid WAVE of what is durable, and the boot
 * repair (drivers/Bwf/BwfRepair.cs) trusts it over the length.
 *
 * The first rewrite also puts OCTO_HEADER_MARK at the start of the first JUNK chunk of sector 0
 * (BwfLayout's ds64 reserve): the file then says its header sizes are the durable truth, so the
 * repair cuts it at the declared end — and only then: a stock-image file's header lags the length
 * by up to a second of real audio (FileStream f_syncs after every write), which the repair keeps.
 *
 * Armed only when the first piece starts the file with RIFF/WAVE, a JUNK chunk of 16 bytes or
 * more inside sector 0, a fmt chunk and a data chunk whose audio starts at a sector boundary
 * inside that piece (the sectors copied then hold header bytes only: BwfLayout's data starts at
 * 4096). Disarmed for good when the managed writer seeks
 * (it writes the sizes itself: close, split, card error). No allocation: the caller gives the
 * two sectors of storage (DMA-capable on the box).
 */
#ifndef OCTOMIX_TAKE_HEADER_H
#define OCTOMIX_TAKE_HEADER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OCTO_HEADER_SECTOR 512u
/* 16 bytes, BwfLayout.SyncedSizesMark: "the sizes follow the syncs" */
#define OCTO_HEADER_MARK "OctomixSyncSizes"
#define OCTO_HEADER_MARK_BYTES 16u

typedef struct
{
    uint8_t *sectors;         /* 2 × 512 bytes: the copies, in sector_at order */
    volatile int armed;       /* 1: the task rewrites the copies before each f_sync */
    uint32_t data_offset;     /* file offset of the first audio byte (a multiple of 512) */
    uint32_t data_size_at;    /* file offset of the data chunk's size field */
    uint32_t block_align;     /* bytes per frame (the fmt chunk's) */
    uint32_t sector_at[2];    /* file offsets of the copies: 0, and the sector of the data size */
    uint32_t sector_count;    /* 1 (both sizes in sector 0) or 2 */
    uint32_t mark_at;         /* file offset of the mark (the first JUNK body in sector 0) */
    int marked;               /* the mark has been handed out for writing */
    uint64_t declared;        /* data bytes the copies declare now */
} octo_header;

/* sectors: 2 × OCTO_HEADER_SECTOR bytes of the caller's. Disarmed. */
void octo_header_init(octo_header *h, uint8_t *sectors);

/* A piece the task has written at file_position: when it is the file's start and holds the whole
   header (see above), copies its sectors and arms. Returns armed. Cheap when file_position > 0. */
int octo_header_capture(octo_header *h, const uint8_t *piece, uint32_t n, uint64_t file_position);

/* Before the f_sync that makes synced_length bytes of the file durable: sets the copies' sizes to
   the whole frames in [data_offset, synced_length) (the RIFF size with the pad byte of an odd data
   size when that byte is on the card), the mark put in at the first call. Returns how many sectors
   to write — sector_count, or 0 when disarmed or nothing changed since the last call. */
uint32_t octo_header_patch(octo_header *h, uint64_t synced_length);

/* The managed writer writes the sizes in place from now on: never rewrite the copies again. */
void octo_header_disarm(octo_header *h);

#ifdef __cplusplus
}
#endif

#endif

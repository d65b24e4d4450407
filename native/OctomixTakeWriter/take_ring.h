/*
 * Octomix native take writer: the platform-free core (host-compiled and unit-tested on the PC).
 *
 * A ring in DMA-capable internal RAM between the audio loop (the managed Append: one memcpy of a
 * block) and the writer task (ESP32: take_writer_esp32.c), which writes the ring to the card in
 * pieces that end at file offsets that are multiples of the piece size (cluster-aligned
 * multi-block writes), f_syncs whenever one more piece could pass sync_bytes unsynced, and sums
 * the take digest (TakeChecksum's Fletcher pair over little-endian 64-bit words, the last word
 * zero-padded) over the bytes it writes after a digest reset.
 *
 * Single producer (the nanoCLR thread), single consumer (the task): head is written only by the
 * producer, tail only by the consumer; on the ESP32 both are 32-bit aligned words (atomic) and the
 * glue adds the memory barriers. No allocation: the caller gives the storage.
 */
#ifndef OCTOMIX_TAKE_RING_H
#define OCTOMIX_TAKE_RING_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
    uint64_t a;
    uint64_t b;
    uint64_t length;   /* bytes fed */
    uint8_t pending[8];
    uint32_t pending_count;
} octo_digest;

void octo_digest_reset(octo_digest *d);
void octo_digest_update(octo_digest *d, const uint8_t *p, size_t n);
/* A and B over everything fed (a partial last word counts zero-padded), as TakeChecksum.A/B. */
uint64_t octo_digest_a(const octo_digest *d);
uint64_t octo_digest_b(const octo_digest *d);

typedef struct
{
    uint8_t *storage;        /* capacity bytes, DMA-capable on the box */
    uint32_t capacity;       /* a multiple of piece_bytes */
    uint32_t piece_bytes;    /* one card write: a multiple of 512 */
    uint32_t sync_bytes;     /* most bytes written between two f_syncs */
    volatile uint32_t head;  /* total bytes appended (mod 2^32), producer only */
    volatile uint32_t tail;  /* total bytes taken by the task (mod 2^32), consumer only */
    uint64_t file_position;  /* file offset of the ring's tail (consumer only) */
    uint64_t unsynced;       /* bytes written since the last f_sync (consumer only) */
    int digesting;
    octo_digest digest;
} octo_ring;

/* 0 on success; -1 when the sizes are not as documented above. */
int octo_ring_init(octo_ring *r, uint8_t *storage, uint32_t capacity, uint32_t piece_bytes, uint32_t sync_bytes, uint64_t file_position);

uint32_t octo_ring_used(const octo_ring *r);

/* Producer: copies all n bytes and returns n, or copies nothing and returns 0 when they do not fit (the ring is full: an overrun the box reports as a card error). */
uint32_t octo_ring_append(octo_ring *r, const uint8_t *p, uint32_t n);

/*
 * Consumer: the next piece to write. With drain = 0, a piece is ready only when the ring holds
 * everything up to the next file offset that is a multiple of piece_bytes; with drain = 1 (Flush,
 * close) whatever is there. Returns its length (0: nothing ready) and where it starts in storage.
 * A piece never wraps: at the storage's end it stops there (capacity is a multiple of the piece,
 * and pieces are aligned to it, so this only happens for a drained rest).
 */
uint32_t octo_ring_next_piece(const octo_ring *r, int drain, const uint8_t **start);

/* Consumer: the piece of n bytes is on the card; sums the digest over it. Returns 1 when the task must f_sync now. */
int octo_ring_piece_written(octo_ring *r, uint32_t n);

/* Consumer: an f_sync was made. */
void octo_ring_synced(octo_ring *r);

/* Consumer (between pieces, ring empty): the digest covers the bytes appended from now on. */
void octo_ring_reset_digest(octo_ring *r);

#ifdef __cplusplus
}
#endif

#endif

/*
 * Octomix native file server: the platform-free core (host-compiled and unit-tested on the PC).
 *
 * Serving a take's file at card speed instead of a sector per loop turn (docs/recording-path.md,
 * "Serving"). The audio loop queues FileRequests (octo_serve_queue: one native call per request);
 * a task on the other core (ESP32: take_serve_esp32.c) reads the requested ranges into slots of
 * DMA-capable internal RAM, each read cut so that it ends at a file offset that is a multiple of
 * piece_bytes (one cluster: one multi-block CMD18 inside one cluster, no bounce buffer) or at the
 * request's end; the loop then takes one ready FileData datagram per native call
 * (octo_serve_fill: body header and data copied out of the slot into the caller's datagram after
 * its 12-byte common header, which the caller wrote once) and sends it itself.
 *
 * Data placement: a read of file bytes [p, p + n) lands at slot + (p % 4), so the whole sectors
 * FatFs hands to disk_read start at a 4-byte aligned address (ESP-IDF's sdmmc DMAs from such a
 * buffer without bouncing: components/sdmmc/sdmmc_cmd.c, esp_ptr_dma_capable and the alignment).
 *
 * Requests are served in the order queued; a request whose read came back short (the file ended,
 * or a card error: octo_serve_read_done with less) ends there. No allocation: the caller gives the
 * storage. Not thread-safe by itself: the ESP32 glue takes a spinlock around every call (each is
 * short and does no I/O; the card read runs outside the lock into a slot marked reading).
 */
#ifndef OCTOMIX_TAKE_SERVE_H
#define OCTOMIX_TAKE_SERVE_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OCTO_SERVE_REQUESTS 8u       /* as TakeFileServer.MaxQueuedRequests */
#define OCTO_SERVE_MAX_SLOTS 8u
#define OCTO_FILEDATA_HEADER 28u     /* FileDataMessage.HeaderLength */
#define OCTO_FILEDATA_MAX 1372u      /* FileDataMessage.MaxData (1,400-byte datagram) */

#define OCTO_SERVE_ERR_READ (-1)     /* the task met a card error: the current request is cut */

typedef struct
{
    uint32_t take_id;
    uint32_t part;
    uint64_t file_position;  /* the card offset of the request's first byte (data offset + offset) */
    uint32_t offset;         /* in the part's audio data (FileData's offset field) */
    uint32_t length;
    uint32_t read;           /* bytes the task has read (or been told are missing) */
    uint32_t sent;           /* bytes sent in datagrams */
} octo_serve_request;

typedef struct
{
    uint32_t state;          /* 0 free, 1 being read, 2 ready */
    uint32_t request;        /* sequence number of its request */
    uint64_t file_position;
    uint32_t offset;         /* audio-data offset of its first byte */
    uint32_t length;         /* bytes in it */
    uint32_t sent;           /* bytes of it sent */
} octo_serve_slot;

typedef struct
{
    uint8_t *storage;
    uint32_t slot_count;
    uint32_t slot_stride;    /* piece_bytes + 4 (the alignment shift) */
    uint32_t piece_bytes;    /* a read never crosses a multiple of it in the file: one cluster */
    uint32_t chunk_bytes;    /* FileData payload, 1..OCTO_FILEDATA_MAX */
    octo_serve_request req[OCTO_SERVE_REQUESTS];
    uint32_t req_first;      /* sequence number of req_first's request (the oldest unsent) */
    uint32_t req_count;
    uint32_t read_request;   /* sequence number of the request the task reads next */
    octo_serve_slot slot[OCTO_SERVE_MAX_SLOTS];
    uint32_t fill_slot;      /* next slot the task fills (index), in order */
    uint32_t send_slot;      /* next slot the loop sends from */
    uint64_t bytes_read;
    uint64_t reads;
    uint64_t datagrams;
} octo_serve;

/* 0, or -1 when storage_bytes cannot hold 2 slots of piece_bytes + 4 (piece: a multiple of 512) or chunk_bytes is out of range. */
int octo_serve_init(octo_serve *s, uint8_t *storage, uint32_t storage_bytes, uint32_t piece_bytes, uint32_t chunk_bytes);

/* Loop: queues a request. 0, or -1 when the queue is full or length is 0. */
int octo_serve_queue(octo_serve *s, uint32_t take_id, uint32_t part, uint64_t data_offset, uint32_t offset, uint32_t length);

/* Requests queued and not yet all sent. */
uint32_t octo_serve_pending(const octo_serve *s);

/* Requests the loop may still queue. */
uint32_t octo_serve_room(const octo_serve *s);

/* Task: the next read (file position, destination, length) when a slot is free and a request needs bytes: 1; else 0. Marks the slot being read. */
int octo_serve_next_read(octo_serve *s, uint64_t *file_position, uint8_t **destination, uint32_t *length);

/* Task: the read of octo_serve_next_read is done with got bytes (got < length: a short read or a card error; the request ends there). */
void octo_serve_read_done(octo_serve *s, uint32_t got);

/*
 * Loop: the next FileData datagram into out (out_bytes long; bytes 0..11, the common header, are
 * the caller's and left alone): writes bytes 12..27 (take, part, length, offset) and the data.
 * Returns the datagram's length, 0 when nothing is ready yet (the task is reading, or no request).
 * A datagram never spans two slots.
 */
uint32_t octo_serve_fill(octo_serve *s, uint8_t *out, uint32_t out_bytes);

/* Loop: drops every request (a take starts, or the caller gives up). A slot being read stays marked until its read is done. */
void octo_serve_clear(octo_serve *s);

#ifdef __cplusplus
}
#endif

#endif

/* The platform-free core of the native take writer: see take_ring.h. */
#include "take_ring.h"
#include <string.h>

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) | ((uint64_t)p[3] << 24)
        | ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40) | ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56);
}

void octo_digest_reset(octo_digest *d)
{
    memset(d, 0, sizeof(*d));
}

void octo_digest_update(octo_digest *d, const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n;
    d->length += n;
    while (d->pending_count > 0 && p < end)
    {
        d->pending[d->pending_count++] = *p++;
        if (d->pending_count == 8)
        {
            d->a += le64(d->pending);
            d->b += d->a;
            d->pending_count = 0;
        }
    }

    while (end - p >= 8)
    {
        d->a += le64(p); /* the ESP32 is little-endian: a plain load on the box */
        d->b += d->a;
        p += 8;
    }

    while (p < end)
    {
        d->pending[d->pending_count++] = *p++;
    }
}

static uint64_t pending_word(const octo_digest *d)
{
    uint64_t w = 0;
    for (int i = (int)d->pending_count - 1; i >= 0; i--)
    {
        w = (w << 8) | d->pending[i];
    }

    return w;
}

uint64_t octo_digest_a(const octo_digest *d)
{
    return d->pending_count == 0 ? d->a : d->a + pending_word(d);
}

uint64_t octo_digest_b(const octo_digest *d)
{
    return d->pending_count == 0 ? d->b : d->b + d->a + pending_word(d);
}

int octo_ring_init(octo_ring *r, uint8_t *storage, uint32_t capacity, uint32_t piece_bytes, uint32_t sync_bytes, uint64_t file_position)
{
    if (storage == NULL || piece_bytes == 0 || piece_bytes % 512 != 0 || capacity == 0 || capacity % piece_bytes != 0)
    {
        return -1;
    }

    memset(r, 0, sizeof(*r));
    r->storage = storage;
    r->capacity = capacity;
    r->piece_bytes = piece_bytes;
    r->sync_bytes = sync_bytes < piece_bytes ? piece_bytes : sync_bytes;
    r->file_position = file_position;
    octo_digest_reset(&r->digest);
    return 0;
}

uint32_t octo_ring_used(const octo_ring *r)
{
    return r->head - r->tail;
}

uint32_t octo_ring_append(octo_ring *r, const uint8_t *p, uint32_t n)
{
    uint32_t used = r->head - r->tail;
    if (n > r->capacity - used)
    {
        return 0;
    }

    uint32_t at = r->head % r->capacity;
    uint32_t first = r->capacity - at < n ? r->capacity - at : n;
    memcpy(r->storage + at, p, first);
    memcpy(r->storage, p + first, n - first);
    r->head += n; /* the glue puts a barrier before this store */
    return n;
}

uint32_t octo_ring_next_piece(const octo_ring *r, int drain, const uint8_t **start)
{
    uint32_t used = r->head - r->tail;
    uint32_t at = r->tail % r->capacity;
    uint32_t to_boundary = r->piece_bytes - (uint32_t)(r->file_position % r->piece_bytes);
    uint32_t to_end = r->capacity - at;
    uint32_t n;
    if (used >= to_boundary)
    {
        n = to_boundary;
    }
    else if (drain)
    {
        n = used;
    }
    else
    {
        return 0;
    }

    if (n > to_end)
    {
        n = to_end;
    }

    *start = r->storage + at;
    return n;
}

int octo_ring_piece_written(octo_ring *r, uint32_t n)
{
    const uint8_t *p = r->storage + (r->tail % r->capacity);
    if (r->digesting)
    {
        octo_digest_update(&r->digest, p, n);
    }

    r->tail += n;
    r->file_position += n;
    r->unsynced += n;
    return r->unsynced + r->piece_bytes > r->sync_bytes;
}

void octo_ring_synced(octo_ring *r)
{
    r->unsynced = 0;
}

void octo_ring_reset_digest(octo_ring *r)
{
    octo_digest_reset(&r->digest);
    r->digesting = 1;
}

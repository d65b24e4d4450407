/* The platform-free core of the native file server: see take_serve.h. */
#include "take_serve.h"
#include <string.h>

static octo_serve_request *request_at(octo_serve *s, uint32_t sequence)
{
    return &s->req[sequence % OCTO_SERVE_REQUESTS];
}

static void put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

int octo_serve_init(octo_serve *s, uint8_t *storage, uint32_t storage_bytes, uint32_t piece_bytes, uint32_t chunk_bytes)
{
    if (storage == NULL || piece_bytes == 0 || piece_bytes % 512 != 0 || chunk_bytes == 0 || chunk_bytes > OCTO_FILEDATA_MAX)
    {
        return -1;
    }

    uint32_t stride = piece_bytes + 4;
    uint32_t slots = storage_bytes / stride;
    if (slots < 2)
    {
        return -1;
    }

    memset(s, 0, sizeof(*s));
    s->storage = storage;
    s->slot_count = slots > OCTO_SERVE_MAX_SLOTS ? OCTO_SERVE_MAX_SLOTS : slots;
    s->slot_stride = stride;
    s->piece_bytes = piece_bytes;
    s->chunk_bytes = chunk_bytes;
    return 0;
}

int octo_serve_queue(octo_serve *s, uint32_t take_id, uint32_t part, uint64_t data_offset, uint32_t offset, uint32_t length)
{
    if (length == 0 || s->req_count == OCTO_SERVE_REQUESTS)
    {
        return -1;
    }

    octo_serve_request *r = request_at(s, s->req_first + s->req_count);
    memset(r, 0, sizeof(*r));
    r->take_id = take_id;
    r->part = part;
    r->file_position = data_offset + offset;
    r->offset = offset;
    r->length = length;
    s->req_count++;
    return 0;
}

uint32_t octo_serve_pending(const octo_serve *s)
{
    return s->req_count;
}

uint32_t octo_serve_room(const octo_serve *s)
{
    return OCTO_SERVE_REQUESTS - s->req_count;
}

/* Pops the oldest requests that are all sent (a cut one: all that was read). */
static void retire(octo_serve *s)
{
    while (s->req_count > 0)
    {
        octo_serve_request *r = request_at(s, s->req_first);
        if (r->sent < r->length)
        {
            return;
        }

        s->req_first++;
        s->req_count--;
        if (s->read_request < s->req_first)
        {
            s->read_request = s->req_first;
        }
    }
}

int octo_serve_next_read(octo_serve *s, uint64_t *file_position, uint8_t **destination, uint32_t *length)
{
    if (s->read_request < s->req_first)
    {
        s->read_request = s->req_first;
    }

    octo_serve_slot *slot = &s->slot[s->fill_slot];
    if (slot->state != 0 || s->read_request >= s->req_first + s->req_count)
    {
        return 0;
    }

    octo_serve_request *r = request_at(s, s->read_request);
    uint64_t p = r->file_position + r->read;
    uint32_t to_boundary = s->piece_bytes - (uint32_t)(p % s->piece_bytes);
    uint32_t n = r->length - r->read;
    if (n > to_boundary)
    {
        n = to_boundary;
    }

    slot->state = 1;
    slot->request = s->read_request;
    slot->file_position = p;
    slot->offset = r->offset + r->read;
    slot->length = n;
    slot->sent = 0;
    *file_position = p;
    *destination = s->storage + (s->fill_slot * s->slot_stride) + (uint32_t)(p % 4);
    *length = n;
    s->fill_slot = (s->fill_slot + 1) % s->slot_count;
    return 1;
}

void octo_serve_read_done(octo_serve *s, uint32_t got)
{
    uint32_t index = (s->fill_slot + s->slot_count - 1) % s->slot_count;
    octo_serve_slot *slot = &s->slot[index];
    if (slot->state != 1)
    {
        return;
    }

    if (slot->request < s->req_first || slot->request >= s->req_first + s->req_count)
    {
        slot->state = 0; /* its request was dropped while it was read (octo_serve_fill skips it) */
        return;
    }

    octo_serve_request *r = request_at(s, slot->request);
    if (got > slot->length)
    {
        got = slot->length;
    }

    s->reads++;
    s->bytes_read += got;
    if (got < slot->length)
    {
        r->length = r->read + got; /* short read: the request ends here */
    }

    r->read += got;
    slot->length = got;
    slot->state = got > 0 ? 2 : 0;
    if (r->read >= r->length)
    {
        s->read_request = slot->request + 1;
    }

    retire(s);
}

uint32_t octo_serve_fill(octo_serve *s, uint8_t *out, uint32_t out_bytes)
{
    retire(s);
    if (s->req_count == 0)
    {
        return 0;
    }

    /* a free slot before the one being filled held nothing (a read of 0 bytes, a dropped request) */
    while (s->slot[s->send_slot].state == 0 && s->send_slot != s->fill_slot)
    {
        s->send_slot = (s->send_slot + 1) % s->slot_count;
    }

    octo_serve_slot *slot = &s->slot[s->send_slot];
    if (slot->state != 2 || slot->request != s->req_first)
    {
        return 0;
    }

    octo_serve_request *r = request_at(s, s->req_first);
    uint32_t n = slot->length - slot->sent;
    if (n > s->chunk_bytes)
    {
        n = s->chunk_bytes;
    }

    if (out_bytes < OCTO_FILEDATA_HEADER + n)
    {
        n = out_bytes > OCTO_FILEDATA_HEADER ? out_bytes - OCTO_FILEDATA_HEADER : 0;
        if (n == 0)
        {
            return 0;
        }
    }

    const uint8_t *data = s->storage + (s->send_slot * s->slot_stride) + (uint32_t)(slot->file_position % 4) + slot->sent;
    put_u32(out + 12, r->take_id);
    out[16] = (uint8_t)r->part;
    out[17] = 0;
    put_u16(out + 18, n);
    put_u32(out + 20, slot->offset + slot->sent);
    put_u32(out + 24, 0);
    memcpy(out + OCTO_FILEDATA_HEADER, data, n);
    slot->sent += n;
    r->sent += n;
    s->datagrams++;
    if (slot->sent == slot->length)
    {
        slot->state = 0;
        s->send_slot = (s->send_slot + 1) % s->slot_count;
    }

    retire(s);
    return OCTO_FILEDATA_HEADER + n;
}

void octo_serve_clear(octo_serve *s)
{
    /* ready slots are freed (octo_serve_fill skips them); a slot being read is freed when its read is done */
    s->req_first += s->req_count;
    s->req_count = 0;
    s->read_request = s->req_first;
    for (uint32_t i = 0; i < s->slot_count; i++)
    {
        if (s->slot[i].state == 2)
        {
            s->slot[i].state = 0;
        }
    }
}

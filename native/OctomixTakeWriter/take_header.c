/* The durable header of the native take writer: see take_header.h. */
#include "take_header.h"
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void octo_header_init(octo_header *h, uint8_t *sectors)
{
    memset(h, 0, sizeof(*h));
    h->sectors = sectors;
}

int octo_header_capture(octo_header *h, const uint8_t *piece, uint32_t n, uint64_t file_position)
{
    if (file_position != 0 || h->armed || n < 12 || memcmp(piece, "RIFF", 4) != 0 || memcmp(piece + 8, "WAVE", 4) != 0)
    {
        return h->armed;
    }

    uint32_t block_align = 0;
    uint32_t mark_at = 0;
    uint32_t pos = 12;
    while (pos + 8 <= n)
    {
        uint32_t size = le32(piece + pos + 4);
        uint32_t body = pos + 8;
        if (memcmp(piece + pos, "fmt ", 4) == 0 && size >= 16 && body + 16 <= n)
        {
            block_align = (uint32_t)piece[body + 12] | ((uint32_t)piece[body + 13] << 8);
        }
        else if (memcmp(piece + pos, "JUNK", 4) == 0 && mark_at == 0 && size >= OCTO_HEADER_MARK_BYTES && body + OCTO_HEADER_MARK_BYTES <= OCTO_HEADER_SECTOR)
        {
            mark_at = body;
        }
        else if (memcmp(piece + pos, "data", 4) == 0)
        {
            /* the sectors copied must hold header bytes only: audio written later would be lost */
            if (block_align == 0 || mark_at == 0 || body % OCTO_HEADER_SECTOR != 0 || body > n)
            {
                return 0;
            }

            h->data_offset = body;
            h->data_size_at = pos + 4;
            h->block_align = block_align;
            h->mark_at = mark_at;
            h->marked = 0;
            h->declared = size;
            h->sector_at[0] = 0;
            h->sector_at[1] = h->data_size_at / OCTO_HEADER_SECTOR * OCTO_HEADER_SECTOR;
            h->sector_count = h->sector_at[1] == 0 ? 1u : 2u;
            for (uint32_t i = 0; i < h->sector_count; i++)
            {
                memcpy(h->sectors + (i * OCTO_HEADER_SECTOR), piece + h->sector_at[i], OCTO_HEADER_SECTOR);
            }

            h->armed = 1;
            return 1;
        }

        if (size > n - body)
        {
            return 0; /* the header goes on past this piece */
        }

        pos = body + size + (size & 1u);
    }

    return 0;
}

uint32_t octo_header_patch(octo_header *h, uint64_t synced_length)
{
    if (!h->armed)
    {
        return 0;
    }

    uint64_t audio = synced_length > h->data_offset ? synced_length - h->data_offset : 0;
    uint64_t most = 0xFFFFFFFFull - h->data_offset; /* RIFF sizes are 32-bit: the managed writer splits long before */
    if (audio > most)
    {
        audio = most;
    }

    uint64_t data = audio / h->block_align * h->block_align;
    if (data == h->declared && h->marked)
    {
        return 0;
    }

    memcpy(h->sectors + h->mark_at, OCTO_HEADER_MARK, OCTO_HEADER_MARK_BYTES);
    h->marked = 1;

    uint64_t end = h->data_offset + data;
    if ((data & 1u) != 0 && end < synced_length)
    {
        end++; /* the pad byte is on the card (its value does not matter to a reader) */
    }

    uint8_t *data_sector = h->sectors + (h->sector_count == 2 ? OCTO_HEADER_SECTOR : 0);
    put32(h->sectors + 4, (uint32_t)(end - 8));
    put32(data_sector + (h->data_size_at - h->sector_at[h->sector_count - 1]), (uint32_t)data);
    h->declared = data;
    return h->sector_count;
}

void octo_header_disarm(octo_header *h)
{
    h->armed = 0;
}

/*
 * Host unit test of the native take writer's durable header (take_header.c), run by
 * tests/Octomix.Box.Tests (NativeTakeWriterTests: gcc, then this program) and by hand:
 *   gcc -std=c99 -Wall -Wextra -Werror -O2 -I.. ../take_header.c test_take_header.c -o test_take_header && ./test_take_header
 * Captures a BwfWriter-shaped header (data at 4096, its size in sector 7) from the first piece,
 * patches it at syncs through a take of random piece ends, writes the sectors into a file image
 * as the task does, and checks after each one that the image's header declares exactly the whole
 * frames synced (pad byte included in the RIFF size), carries the mark in its JUNK chunk and
 * changed nothing else; then the cases
 * that must stay disarmed, a header whose sizes share sector 0, the odd frame, disarm.
 * Prints "syncs <n> sectors <n> ok".
 */
#include "take_header.h"
#include <stdio.h>
#include <string.h>

#define DATA 4096u
#define FILE_BYTES (DATA + 4u * 1024u * 1024u)

static uint8_t file[FILE_BYTES];
static uint8_t original[DATA];
static uint8_t sectors[2 * OCTO_HEADER_SECTOR];
static int failures;

#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } while (0)

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

static uint32_t chunk(uint8_t *h, uint32_t at, const char *id, uint32_t size)
{
    memcpy(h + at, id, 4);
    put32(h + at + 4, size);
    return at + 8;
}

/* RIFF/WAVE, JUNK (28), fmt (16: block_align), JUNK filling up to data_offset - 8, data (size 0). */
static void build(uint8_t *h, uint32_t data_offset, uint16_t block_align)
{
    memset(h, 0, data_offset);
    memcpy(h, "RIFF", 4);
    put32(h + 4, data_offset - 8);
    memcpy(h + 8, "WAVE", 4);
    uint32_t at = chunk(h, 12, "JUNK", 28) + 28;
    uint32_t body = chunk(h, at, "fmt ", 16);
    h[body] = 1;
    h[body + 2] = 2;
    h[body + 12] = (uint8_t)block_align;
    h[body + 13] = (uint8_t)(block_align >> 8);
    at = body + 16;
    if (data_offset - 8 > at)
    {
        chunk(h, at, "JUNK", data_offset - 8 - at - 8);
    }

    chunk(h, data_offset - 8, "data", 0);
}

static void write_sectors(const octo_header *h, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
    {
        memcpy(file + h->sector_at[i], h->sectors + (i * OCTO_HEADER_SECTOR), OCTO_HEADER_SECTOR);
    }
}

static void check_declares(uint64_t synced, uint32_t data_offset, uint32_t block_align)
{
    uint64_t audio = synced - data_offset;
    uint64_t data = audio / block_align * block_align;
    uint64_t end = data_offset + data + ((data & 1u) != 0 && data_offset + data < synced ? 1u : 0u);
    CHECK(le32(file + data_offset - 4) == data, "synced %llu: data declares %u, not %llu", (unsigned long long)synced, le32(file + data_offset - 4), (unsigned long long)data);
    CHECK(le32(file + 4) == end - 8, "synced %llu: RIFF declares %u, not %llu", (unsigned long long)synced, le32(file + 4), (unsigned long long)(end - 8));
    CHECK(memcmp(file + 20, OCTO_HEADER_MARK, OCTO_HEADER_MARK_BYTES) == 0, "synced %llu: no mark in the JUNK chunk", (unsigned long long)synced);
    CHECK(memcmp(file + 8, original + 8, 12) == 0 && memcmp(file + 36, original + 36, data_offset - 4 - 36) == 0,
        "synced %llu: a header byte other than the sizes and the mark changed", (unsigned long long)synced);
}

int main(void)
{
    octo_header h;
    uint32_t rng = 777u;

    /* a take: 24-bit stereo frames, 32 KB pieces, a sync at a random piece end about every 9 pieces */
    build(original, DATA, 6);
    memcpy(file, original, DATA);
    octo_header_init(&h, sectors);
    CHECK(octo_header_capture(&h, file + 4096, 4096, 4096) == 0, "a piece past the start armed it");
    CHECK(octo_header_capture(&h, original, DATA, 0) == 1, "the BwfWriter's header did not arm it");
    CHECK(h.data_offset == DATA && h.data_size_at == DATA - 4 && h.block_align == 6, "layout %u %u %u", h.data_offset, h.data_size_at, h.block_align);
    CHECK(h.sector_count == 2 && h.sector_at[0] == 0 && h.sector_at[1] == DATA - OCTO_HEADER_SECTOR, "sectors %u at %u", h.sector_count, h.sector_at[1]);
    CHECK(octo_header_patch(&h, DATA) == 2, "the first sync (the header's own) did not write the mark");
    write_sectors(&h, 2);
    check_declares(DATA, DATA, 6);
    CHECK(octo_header_patch(&h, DATA) == 0, "nothing synced past the header, yet a second rewrite");
    unsigned syncs = 0, written = 0;
    uint64_t synced = DATA;
    while (synced + (32u * 32768u) < FILE_BYTES)
    {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        synced = (synced / 32768u + 1u + rng % 16u) * 32768u;
        uint32_t k = octo_header_patch(&h, synced);
        CHECK(k == 2, "synced %llu: %u sectors", (unsigned long long)synced, k);
        write_sectors(&h, k);
        written += k;
        syncs++;
        check_declares(synced, DATA, 6);
    }

    CHECK(octo_header_patch(&h, synced) == 0, "the same length twice: a rewrite");
    octo_header_disarm(&h);
    CHECK(octo_header_patch(&h, synced + 32768u) == 0, "disarmed, yet a rewrite");

    /* 24-bit mono: an odd data size, its pad byte on the card, counted in the RIFF size */
    build(original, DATA, 3);
    memcpy(file, original, DATA);
    octo_header_init(&h, sectors);
    CHECK(octo_header_capture(&h, original, 32768, 0) == 1, "a first piece longer than the header did not arm it");
    write_sectors(&h, octo_header_patch(&h, DATA + 10));
    check_declares(DATA + 10, DATA, 3);
    CHECK(le32(file + DATA - 4) == 9 && le32(file + 4) == DATA + 10 - 8, "odd: data %u riff %u", le32(file + DATA - 4), le32(file + 4));

    /* a small header: the data at 512, both sizes in sector 0, one sector to write */
    build(original, 512, 4);
    memcpy(file, original, 512);
    octo_header_init(&h, sectors);
    CHECK(octo_header_capture(&h, original, 512, 0) == 1 && h.sector_count == 1, "a one-sector header: armed %d, %u sectors", h.armed, h.sector_count);
    CHECK(octo_header_patch(&h, 512 + 4000) == 1, "a one-sector header wrote more than one");
    write_sectors(&h, 1);
    check_declares(512 + 4000, 512, 4);

    /* never armed: audio in the copied sector, a header longer than the piece, not a WAVE */
    build(original, 1024, 4);
    octo_header_init(&h, sectors);
    CHECK(octo_header_capture(&h, original, 1000, 0) == 0, "armed with the data chunk past the piece");
    memset(original, 0, sizeof(original));
    memcpy(original, "RIFF", 4);
    memcpy(original + 8, "WAVE", 4);
    chunk(original, 12, "fmt ", 16);
    original[20 + 12] = 4;
    chunk(original, 36, "data", 0); /* audio at 44: not a sector boundary */
    CHECK(octo_header_capture(&h, original, 4096, 0) == 0, "armed with the audio inside a copied sector");
    build(original, DATA, 6);
    memcpy(original + 12, "junk", 4); /* no JUNK chunk (the reserve, the filler after fmt): nowhere for the mark */
    memcpy(original + 72, "junk", 4);
    CHECK(octo_header_capture(&h, original, DATA, 0) == 0, "armed without a JUNK chunk for the mark");
    memcpy(original, "RIFX", 4);
    CHECK(octo_header_capture(&h, original, 4096, 0) == 0, "armed on a file that is not RIFF");
    CHECK(octo_header_patch(&h, 100000) == 0, "not armed, yet a rewrite");

    if (failures > 0)
    {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }

    printf("syncs %u sectors %u ok\n", syncs, written);
    return 0;
}

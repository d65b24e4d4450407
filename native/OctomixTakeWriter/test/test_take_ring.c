/*
 * Host unit test of the native take writer's core (take_ring.c), run by
 * tests/Octomix.Drivers.Tests (NativeTakeWriterTests: gcc, then this program) and by hand:
 *   gcc -std=c99 -Wall -Wextra -Werror -O2 -I.. ../take_ring.c test_take_ring.c -o test_take_ring && ./test_take_ring out.bin
 * Appends a pseudo-random take in random chunks while a simulated task takes pieces at random
 * moments; checks the pieces are aligned, the "file" equals what was appended, the ring refuses
 * what does not fit, the sync policy holds; writes the audio part to argv[1] and prints its digest
 * ("digest <length> <a> <b>") so the C# test can check it equals TakeChecksum's.
 */
#include "take_ring.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIECE 32768u
#define CAPACITY (4u * PIECE)
#define HEADER 4096u
#define TOTAL (3u * 1000u * 1000u + 7u)
#define SYNC (288000u)

static uint8_t storage[CAPACITY];
static uint8_t file[HEADER + TOTAL + 16];
static uint8_t data[HEADER + TOTAL];
static uint32_t rng = 12345u;
static int failures;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } while (0)

static uint64_t written;
static uint64_t unsynced_max;
static unsigned syncs;
static unsigned pieces;

static void take(octo_ring *r, int drain)
{
    const uint8_t *p;
    uint32_t n = octo_ring_next_piece(r, drain, &p);
    if (n == 0)
    {
        return;
    }

    uint64_t at = r->file_position;
    if (!drain)
    {
        CHECK((at + n) % PIECE == 0, "a piece ends at %llu, not at a multiple of the piece", (unsigned long long)(at + n));
    }

    CHECK(at == written, "piece at %llu, file at %llu", (unsigned long long)at, (unsigned long long)written);
    memcpy(file + at, p, n);
    written += n;
    pieces++;
    int sync = octo_ring_piece_written(r, n);
    if (r->unsynced > unsynced_max)
    {
        unsynced_max = r->unsynced;
    }

    if (sync)
    {
        octo_ring_synced(r);
        syncs++;
    }
}

int main(int argc, char **argv)
{
    octo_ring r;
    CHECK(octo_ring_init(&r, storage, CAPACITY, 1000, SYNC, 0) == -1, "a piece that is not a multiple of 512 is refused");
    CHECK(octo_ring_init(&r, storage, CAPACITY + 512, PIECE, SYNC, 0) == -1, "a capacity that is not a multiple of the piece is refused");
    CHECK(octo_ring_init(&r, storage, CAPACITY, PIECE, SYNC, 0) == 0, "init");

    for (uint32_t i = 0; i < HEADER + TOTAL; i++)
    {
        data[i] = (uint8_t)next();
    }

    /* the header, drained and synced at open, then the digest starts */
    CHECK(octo_ring_append(&r, data, HEADER) == HEADER, "header appended");
    while (octo_ring_used(&r) > 0)
    {
        take(&r, 1);
    }

    octo_ring_synced(&r);
    octo_ring_reset_digest(&r);

    /* the ring refuses what does not fit, and takes nothing of it */
    uint32_t before = octo_ring_used(&r);
    CHECK(octo_ring_append(&r, data, CAPACITY + 1) == 0 && octo_ring_used(&r) == before, "a too-big append is refused whole");

    uint32_t p = HEADER;
    while (p < HEADER + TOTAL)
    {
        uint32_t n = 1 + next() % 3000u;
        if (n > HEADER + TOTAL - p)
        {
            n = HEADER + TOTAL - p;
        }

        while (octo_ring_append(&r, data + p, n) == 0)
        {
            CHECK(octo_ring_used(&r) + n > CAPACITY, "refused with room");
            take(&r, 0);
        }

        p += n;
        unsigned t = next() % 3u;
        while (t-- > 0)
        {
            take(&r, 0);
        }
    }

    unsigned aligned_pieces = pieces;
    while (octo_ring_used(&r) > 0)
    {
        take(&r, 1);
    }

    CHECK(written == HEADER + TOTAL, "wrote %llu of %u", (unsigned long long)written, HEADER + TOTAL);
    CHECK(memcmp(file, data, HEADER + TOTAL) == 0, "the file equals what was appended");
    CHECK(unsynced_max <= SYNC, "at most %u bytes unsynced, saw %llu", SYNC, (unsigned long long)unsynced_max);
    CHECK(syncs >= TOTAL / SYNC, "%u syncs for %u bytes", syncs, TOTAL);
    CHECK(aligned_pieces >= TOTAL / PIECE, "%u pieces", aligned_pieces);
    CHECK(r.digest.length == TOTAL, "digest over %llu bytes", (unsigned long long)r.digest.length);

    /* the digest fed in any chunking is the same */
    octo_digest d;
    octo_digest_reset(&d);
    octo_digest_update(&d, data + HEADER, 5);
    octo_digest_update(&d, data + HEADER + 5, TOTAL - 5);
    CHECK(octo_digest_a(&d) == octo_digest_a(&r.digest) && octo_digest_b(&d) == octo_digest_b(&r.digest), "chunking changes nothing");

    if (argc > 1)
    {
        FILE *f = fopen(argv[1], "wb");
        CHECK(f != NULL && fwrite(file + HEADER, 1, TOTAL, f) == TOTAL, "writing %s", argv[1]);
        if (f != NULL)
        {
            fclose(f);
        }
    }

    printf("pieces %u syncs %u unsynced-max %llu\n", pieces, syncs, (unsigned long long)unsynced_max);
    printf("digest %llu %llu %llu\n", (unsigned long long)r.digest.length, (unsigned long long)octo_digest_a(&r.digest), (unsigned long long)octo_digest_b(&r.digest));
    if (failures > 0)
    {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }

    printf("ok\n");
    return 0;
}

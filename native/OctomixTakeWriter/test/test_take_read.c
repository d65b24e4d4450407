/*
 * Host unit test of the native durable read's core (take_read.c), run by tests/Octomix.Box.Tests
 * (NativeTakeWriterTests: gcc, then this program) and by hand:
 *   gcc -std=c99 -Wall -Wextra -Werror -O2 -I.. ../take_read.c test_take_read.c -o test_take_read && ./test_take_read
 * Checks: the link map of one run (FatFs's CLMT layout) maps every offset of the run to its
 * cluster and nothing past it, and refuses a table too small or a run that is not one; every
 * read plan (random offsets, counts and durable lengths) starts at a sector, never crosses a
 * cluster or the buffer, never reaches the durable length or the run's end, and is the longest
 * such read; and a "card" holding the run at some start cluster, read plan by plan through the
 * map as the ESP32 glue does (one sector-aligned read of whole sectors into the buffer, the bytes
 * copied out), gives back the file's bytes, a request at a time, up to the durable length and not
 * one byte past it. Prints "reads <n> sectors <n> bytes <n>" and "ok".
 */
#include "take_read.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLUSTER 32768u
#define RUN_CLUSTERS 40u
#define RUN_BYTES ((uint64_t)RUN_CLUSTERS * CLUSTER)
#define START_CLUSTER 9001u
#define FIRST_DATA_CLUSTER 9000u  /* the card image starts at this cluster */

static uint8_t card[(RUN_CLUSTERS + 2u) * CLUSTER];
static uint8_t file[RUN_CLUSTERS * CLUSTER];
static uint8_t buffer[OCTO_READ_BUFFER_BYTES];
static uint32_t rng = 4242u;
static int failures;

#define CHECK(c, ...) do { if (!(c)) { failures++; if (failures < 20) { fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } } while (0)

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

static void test_link_map(void)
{
    uint32_t table[8];
    memset(table, 0xee, sizeof(table));
    CHECK(octo_read_clmt_fill(table, 3, START_CLUSTER, RUN_CLUSTERS) == 0, "a table of 3 items cannot hold one fragment");
    CHECK(octo_read_clmt_fill(table, 8, START_CLUSTER, 0) == 0, "an empty run");
    CHECK(octo_read_clmt_fill(table, 8, 1, RUN_CLUSTERS) == 0, "cluster 1 is not a data cluster");
    CHECK(octo_read_clmt_fill(table, 8, START_CLUSTER, RUN_CLUSTERS) == 4, "one fragment: 4 items");
    CHECK(table[0] == 4 && table[1] == RUN_CLUSTERS && table[2] == START_CLUSTER && table[3] == 0,
          "layout {4, %u, %u, 0}: %u %u %u %u", RUN_CLUSTERS, START_CLUSTER, table[0], table[1], table[2], table[3]);
    CHECK(table[4] == 0xeeeeeeeeu, "nothing written past the 0");
    for (uint64_t offset = 0; offset < RUN_BYTES; offset += 4099)
    {
        uint32_t c = octo_read_clmt_cluster(table, offset, CLUSTER);
        CHECK(c == START_CLUSTER + offset / CLUSTER, "offset %llu: cluster %u", (unsigned long long)offset, c);
    }

    CHECK(octo_read_clmt_cluster(table, RUN_BYTES - 1, CLUSTER) == START_CLUSTER + RUN_CLUSTERS - 1, "the run's last byte");
    CHECK(octo_read_clmt_cluster(table, RUN_BYTES, CLUSTER) == 0, "past the run: 0 (FatFs's error)");
    CHECK(octo_read_clusters_for(0, CLUSTER) == 0 && octo_read_clusters_for(1, CLUSTER) == 1
          && octo_read_clusters_for(CLUSTER, CLUSTER) == 1 && octo_read_clusters_for(CLUSTER + 1, CLUSTER) == 2, "clusters for a size");
}

static void test_plans(void)
{
    octo_read_plan p;
    CHECK(octo_read_plan_make(&p, 100, 0, RUN_BYTES, RUN_BYTES, CLUSTER, OCTO_READ_BUFFER_BYTES) == 0 && p.sectors == 0, "count 0");
    CHECK(octo_read_plan_make(&p, 5000, 512, 5000, RUN_BYTES, CLUSTER, OCTO_READ_BUFFER_BYTES) == 0, "at the durable end: nothing");
    CHECK(octo_read_plan_make(&p, 4096, 512, RUN_BYTES, RUN_BYTES, CLUSTER, OCTO_READ_BUFFER_BYTES) == 512
          && p.position == 4096 && p.sectors == 1 && p.skip == 0, "an aligned sector: one CMD17");
    CHECK(octo_read_plan_make(&p, 4100, 512, RUN_BYTES, RUN_BYTES, CLUSTER, OCTO_READ_BUFFER_BYTES) == 512
          && p.position == 4096 && p.sectors == 2 && p.skip == 4, "an unaligned sector: two sectors, one CMD18");
    CHECK(octo_read_plan_make(&p, CLUSTER - 100, 512, RUN_BYTES, RUN_BYTES, CLUSTER, OCTO_READ_BUFFER_BYTES) == 100,
          "cut at the cluster's end");
    CHECK(octo_read_plan_make(&p, 1000, 1372, 1500, RUN_BYTES, CLUSTER, OCTO_READ_BUFFER_BYTES) == 500 && p.position == 512 && p.sectors == 2,
          "cut at the durable length");
    CHECK(octo_read_plan_make(&p, 511, 4000, RUN_BYTES, RUN_BYTES, CLUSTER, OCTO_READ_BUFFER_BYTES) == OCTO_READ_BUFFER_BYTES - 511
          && p.sectors == OCTO_READ_BUFFER_BYTES / 512, "cut to the buffer");
    CHECK(octo_read_plan_make(&p, RUN_BYTES - 10, 512, RUN_BYTES + 100000, RUN_BYTES + 300, CLUSTER, OCTO_READ_BUFFER_BYTES) == 10,
          "a run of a partial last sector reads its whole sectors only");

    for (int i = 0; i < 200000; i++)
    {
        uint64_t durable = next() % (RUN_BYTES + 70000);
        uint64_t offset = next() % (RUN_BYTES + 1000);
        uint32_t count = next() % 3000;
        uint32_t n = octo_read_plan_make(&p, offset, count, durable, RUN_BYTES, CLUSTER, OCTO_READ_BUFFER_BYTES);
        uint64_t limit = min64(durable, RUN_BYTES);
        if (count == 0 || offset >= limit)
        {
            CHECK(n == 0 && p.sectors == 0, "offset %llu durable %llu count %u: nothing", (unsigned long long)offset, (unsigned long long)durable, count);
            continue;
        }

        uint64_t longest = min64(min64(count, limit - offset), min64((offset / CLUSTER + 1) * CLUSTER - offset, p.position + OCTO_READ_BUFFER_BYTES - offset));
        CHECK(n == longest && n == p.bytes && n > 0, "offset %llu count %u durable %llu: %u, longest %llu", (unsigned long long)offset, count, (unsigned long long)durable, n, (unsigned long long)longest);
        CHECK(p.position % 512 == 0 && p.position + p.skip == offset, "aligned start");
        CHECK(p.sectors == (p.skip + n + 511) / 512 && p.sectors * 512u <= OCTO_READ_BUFFER_BYTES, "whole sectors within the buffer");
        CHECK(p.position / CLUSTER == (p.position + p.sectors * 512u - 1) / CLUSTER, "inside one cluster: one command");
        CHECK(offset + n <= durable && p.position + p.sectors * 512u <= RUN_BYTES, "below the durable length and inside the run");
    }
}

/* the ESP32 glue's read, on the card image: the map gives the cluster, FatFs reads whole sectors */
static unsigned long reads, sectors_read;

static uint32_t glue_read(const uint32_t *table, uint64_t offset, uint8_t *out, uint32_t count, uint64_t durable)
{
    octo_read_plan p;
    uint32_t n = octo_read_plan_make(&p, offset, count, durable, RUN_BYTES, CLUSTER, sizeof(buffer));
    if (n == 0)
    {
        return 0;
    }

    uint32_t cluster = octo_read_clmt_cluster(table, p.position, CLUSTER);
    CHECK(cluster != 0, "mapped");
    uint64_t card_at = (uint64_t)(cluster - FIRST_DATA_CLUSTER) * CLUSTER + (p.position % CLUSTER);
    memset(buffer, 0xa5, sizeof(buffer));
    memcpy(buffer, card + card_at, p.sectors * 512u);
    reads++;
    sectors_read += p.sectors;
    memcpy(out, buffer + p.skip, n);
    return n;
}

static void test_reads_equal_the_file(void)
{
    uint32_t table[OCTO_READ_CLMT_ITEMS];
    for (size_t i = 0; i < sizeof(card); i++)
    {
        card[i] = (uint8_t)next();
    }

    memcpy(file, card + (START_CLUSTER - FIRST_DATA_CLUSTER) * CLUSTER, sizeof(file));
    CHECK(octo_read_clmt_fill(table, OCTO_READ_CLMT_ITEMS, START_CLUSTER, octo_read_clusters_for(RUN_BYTES, CLUSTER)) == 4, "map");

    uint8_t out[4096];
    uint64_t bytes = 0;
    uint64_t durable = 4096;
    for (int request = 0; request < 3000; request++)
    {
        durable = min64(durable + (next() % 20000), RUN_BYTES);
        uint64_t offset = next() % (durable + 2000);
        uint32_t length = 1 + next() % 4096;
        uint32_t chunk = 1 + next() % 1372;
        uint64_t expected_end = min64(offset + length, durable);
        uint64_t at = offset;
        while (at < offset + length)
        {
            uint32_t want = (uint32_t)min64(chunk, offset + length - at);
            memset(out, 0x5a, sizeof(out));
            uint32_t got = glue_read(table, at, out, want, durable);
            if (got == 0)
            {
                break;
            }

            CHECK(got <= want, "no more than asked");
            CHECK(memcmp(out, file + at, got) == 0, "bytes at %llu equal the file", (unsigned long long)at);
            CHECK(out[got] == 0x5a, "nothing written past the bytes read");
            at += got;
            bytes += got;
        }

        CHECK(at == (offset < durable ? expected_end : offset), "request at %llu of %u: read to %llu, the durable end is %llu",
              (unsigned long long)offset, length, (unsigned long long)at, (unsigned long long)durable);
    }

    printf("reads %lu sectors %lu bytes %llu\n", reads, sectors_read, (unsigned long long)bytes);
}

int main(void)
{
    test_link_map();
    test_plans();
    test_reads_equal_the_file();
    if (failures > 0)
    {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }

    printf("ok\n");
    return 0;
}

/*
 * Host unit test of the native file server's core (take_serve.c), run by tests/Octomix.Box.Tests
 * (NativeTakeWriterTests: gcc, then this program) and by hand:
 *   gcc -std=c99 -Wall -Wextra -Werror -O2 -I.. ../take_serve.c test_take_serve.c -o test_take_serve && ./test_take_serve
 * A pseudo-random "card file"; requests of random ranges (unaligned starts and ends, up to 64 KB)
 * queued while a simulated task reads at random moments and the loop takes datagrams at random
 * moments. Checks: every read ends at a multiple of the piece or at its request's end, lands at a
 * 4-byte aligned address for its whole sectors, and never overlaps a slot still being sent; the
 * datagrams carry each request's bytes in order, with the FileData header fields, at most
 * chunk_bytes each, never touching the caller's common header; a short read (a card error) ends
 * its request where the data stopped and the next request is served whole; clear drops everything,
 * including a read in flight. Prints "reads <n> datagrams <n> bytes <n>" and "ok".
 */
#include "take_serve.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIECE 32768u
#define SLOTS 4u
#define STORAGE (SLOTS * (PIECE + 4u))
#define FILE_BYTES (2u * 1000u * 1000u + 333u)
#define DATA_OFFSET 4096u
#define CHUNK 1372u

static uint8_t storage[STORAGE];
static uint8_t card[FILE_BYTES];
static uint32_t rng = 777u;
static int failures;

#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } while (0)

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t get_u32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }

/* what the loop expects: the requests it queued, in order */
typedef struct { uint32_t take; uint32_t offset; uint32_t length; uint32_t got; uint32_t cut_at; } expected;
static expected queue[1024];
static unsigned queued, current, cuts;

/* the task's read in flight */
static int reading;
static uint64_t read_pos;
static uint8_t *read_dest;
static uint32_t read_len;
static int fail_next_read;

static void task_step(octo_serve *s)
{
    if (!reading)
    {
        reading = octo_serve_next_read(s, &read_pos, &read_dest, &read_len);
        if (reading)
        {
            CHECK(read_len > 0 && read_len <= PIECE, "a read of %u bytes", read_len);
            CHECK((read_pos + read_len) % PIECE == 0 || read_len < PIECE - (read_pos % PIECE), "a read crosses a piece: %llu + %u", (unsigned long long)read_pos, read_len);
            CHECK(((uintptr_t)(read_dest - storage)) % 4 == read_pos % 4, "a read lands misaligned");
            CHECK(read_dest >= storage && read_dest + read_len <= storage + STORAGE, "a read outside the storage");
        }

        return;
    }

    uint32_t got = read_len;
    if (fail_next_read)
    {
        got = read_len / 3; /* a card error part-way */
        fail_next_read = 0;
    }

    if (read_pos + got > FILE_BYTES)
    {
        got = read_pos >= FILE_BYTES ? 0 : (uint32_t)(FILE_BYTES - read_pos);
    }

    memcpy(read_dest, card + read_pos, got);
    octo_serve_read_done(s, got);
    reading = 0;
}

static uint8_t datagram[1400];
static unsigned long long total_bytes;

static void loop_step(octo_serve *s)
{
    memset(datagram, 0xA5, 12);
    uint32_t n = octo_serve_fill(s, datagram, sizeof(datagram));
    for (int i = 0; i < 12; i++)
    {
        CHECK(datagram[i] == 0xA5, "the common header was touched");
    }

    if (n == 0)
    {
        return;
    }

    uint32_t len = (uint32_t)datagram[18] | ((uint32_t)datagram[19] << 8);
    CHECK(n == OCTO_FILEDATA_HEADER + len, "datagram %u bytes, data length %u", n, len);
    CHECK(len >= 1 && len <= CHUNK, "data length %u", len);
    while (current < queued && queue[current].got >= queue[current].length)
    {
        current++;
    }

    CHECK(current < queued, "a datagram beyond the requests");
    if (current >= queued)
    {
        return;
    }

    /* a datagram of a later request: the current one was cut short (a card error) */
    while (current + 1 < queued && get_u32(datagram + 12) != queue[current].take)
    {
        queue[current].length = queue[current].got;
        cuts++;
        current++;
    }

    expected *e = &queue[current];
    CHECK(get_u32(datagram + 12) == e->take, "take %u, expected %u", get_u32(datagram + 12), e->take);
    CHECK(datagram[16] == (e->take & 0xFF), "part");
    CHECK(get_u32(datagram + 20) == e->offset + e->got, "offset %u, expected %u", get_u32(datagram + 20), e->offset + e->got);
    CHECK(e->got + len <= e->length, "more than asked");
    CHECK(memcmp(datagram + OCTO_FILEDATA_HEADER, card + DATA_OFFSET + e->offset + e->got, len) == 0, "the bytes are not the card's (request %u at %u)", current, e->got);
    e->got += len;
    total_bytes += len;
}

static void ask(octo_serve *s, uint32_t offset, uint32_t length)
{
    uint32_t take = 1000u + queued;
    CHECK(octo_serve_queue(s, take, take & 0xFF, DATA_OFFSET, offset, length) == 0, "queue refused with room");
    queue[queued].take = take;
    queue[queued].offset = offset;
    queue[queued].length = length;
    queue[queued].got = 0;
    queued++;
}

int main(void)
{
    for (uint32_t i = 0; i < FILE_BYTES; i++)
    {
        card[i] = (uint8_t)(next() >> 7);
    }

    octo_serve s;
    CHECK(octo_serve_init(&s, storage, PIECE + 4, PIECE, CHUNK) == -1, "one slot accepted");
    CHECK(octo_serve_init(&s, storage, STORAGE, 1000, CHUNK) == -1, "a piece that is not sectors accepted");
    CHECK(octo_serve_init(&s, storage, STORAGE, PIECE, 1373) == -1, "a chunk over 1372 accepted");
    CHECK(octo_serve_init(&s, storage, STORAGE, PIECE, CHUNK) == 0, "init");
    CHECK(s.slot_count == SLOTS, "slots %u", s.slot_count);
    CHECK(octo_serve_queue(&s, 1, 0, DATA_OFFSET, 0, 0) == -1, "an empty request accepted");

    /* whole-file style: consecutive 32 KB requests, then random gaps; the loop and task interleave at random */
    uint32_t data_bytes = FILE_BYTES - DATA_OFFSET;
    uint32_t at = 0;
    unsigned rounds = 0;
    while (rounds < 400000 && (at < data_bytes || octo_serve_pending(&s) > 0 || reading))
    {
        rounds++;
        uint32_t r = next() % 16;
        if (r < 3 && at < data_bytes && octo_serve_room(&s) > 0 && queued < 1024)
        {
            uint32_t length = (next() % 4 == 0) ? 1 + next() % 65536 : 32768;
            uint32_t start = (next() % 3 == 0) ? at + next() % 20000 : at; /* a gap skipped now and then */
            if (start >= data_bytes)
            {
                start = data_bytes - 1;
            }

            if (start + length > data_bytes)
            {
                length = data_bytes - start;
            }

            ask(&s, start, length);
            at = start + length;
        }
        else if (r < 9)
        {
            task_step(&s);
        }
        else
        {
            loop_step(&s);
        }
    }

    CHECK(octo_serve_pending(&s) == 0 && !reading, "did not finish: %u pending", octo_serve_pending(&s));
    for (unsigned i = 0; i < queued; i++)
    {
        CHECK(queue[i].got == queue[i].length, "request %u: %u of %u bytes", i, queue[i].got, queue[i].length);
    }

    CHECK(cuts == 0, "%u requests cut without a card error", cuts);
    unsigned whole = queued;

    /* a card error part-way through a request: it ends where the data stopped, the next one is whole */
    ask(&s, 100000, 40000);
    ask(&s, 300001, 5000);
    task_step(&s); /* starts the read of [100000, up to the piece) */
    fail_next_read = 1;
    task_step(&s);
    for (int i = 0; i < 200; i++)
    {
        task_step(&s);
        loop_step(&s);
    }

    CHECK(octo_serve_pending(&s) == 0, "after a short read: %u pending", octo_serve_pending(&s));
    CHECK(queue[whole].got > 0 && queue[whole].got < 40000, "the cut request got %u", queue[whole].got);
    CHECK(queue[whole + 1].got == 5000, "the request after the cut got %u", queue[whole + 1].got);
    CHECK(cuts == 1, "cuts %u", cuts);

    /* clear with a read in flight and data ready: nothing more comes, the read's slot is freed */
    ask(&s, 500000, 65536);
    ask(&s, 700000, 65536);
    task_step(&s);
    task_step(&s);
    task_step(&s); /* the second read in flight */
    CHECK(reading, "a read in flight");
    loop_step(&s);
    octo_serve_clear(&s);
    queue[whole + 2].length = queue[whole + 2].got;
    queue[whole + 3].length = 0;
    CHECK(octo_serve_pending(&s) == 0, "clear left %u", octo_serve_pending(&s));
    task_step(&s); /* the read completes for a dropped request */
    CHECK(octo_serve_fill(&s, datagram, sizeof(datagram)) == 0, "a datagram after clear");
    current = queued;
    ask(&s, 12345, 3000);
    for (int i = 0; i < 50; i++)
    {
        task_step(&s);
        loop_step(&s);
    }

    CHECK(queue[queued - 1].got == 3000, "after clear a new request got %u", queue[queued - 1].got);
    CHECK(octo_serve_pending(&s) == 0, "after clear: %u pending", octo_serve_pending(&s));

    printf("reads %llu datagrams %llu bytes %llu\n", (unsigned long long)s.reads, (unsigned long long)s.datagrams, total_bytes);
    if (failures)
    {
        printf("%d failures\n", failures);
        return 1;
    }

    printf("ok\n");
    return 0;
}

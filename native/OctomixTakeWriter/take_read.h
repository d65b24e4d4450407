/*
 * Octomix native durable read: the platform-free part (host-compiled and unit-tested on the PC:
 * test/test_take_read.c, run by tests/Octomix.Box.Tests NativeTakeWriterTests).
 *
 * Progressive collection reads, while a take records, what the take writer has synced
 * (docs/device-budget.md §7b). Through a stock managed FileStream the first read of a request
 * seeks: nanoFramework's FAT driver calls f_lseek without a cluster link map, which walks the
 * cluster chain from the first cluster, a FAT sector read per 128 clusters (4 MB of audio). The
 * take writer's file is preallocated contiguous (f_expand(fp, size, 1)), so its clusters are one
 * run: a second, read-only FIL on the same file gets FatFs's cluster link map (FIL.cltbl, fast
 * seek) filled by hand for that one run, and a seek anywhere costs no FAT read.
 *
 * This part: the link map of one run (FatFs's CLMT format: the table's size in items, then
 * (fragment length in clusters, start cluster) pairs, 0-terminated), the cluster a file offset
 * maps to in such a table (as FatFs's clmt_clust finds it), and the plan of one read — clamped
 * below the durable (synced) length and the preallocated run, cut at the cluster's end (FatFs
 * splits a direct read at each cluster: one read is then one card command) and to the read
 * buffer, in whole sectors from a sector-aligned position (f_lseek to it reads no sector, and
 * f_read hands whole sectors straight to disk_read: one CMD17 for one sector, one CMD18 for
 * more, into the DMA-capable buffer, no bounce). The ESP32 glue is take_read_esp32.c.
 */
#ifndef OCTOMIX_TAKE_READ_H
#define OCTOMIX_TAKE_READ_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OCTO_READ_SECTOR 512u
#define OCTO_READ_BUFFER_BYTES 2048u  /* 4 sectors: a FileData chunk (at most 1,372 bytes) from any offset */
#define OCTO_READ_CLMT_ITEMS 4u       /* size, (length, start), 0: one fragment */

#define OCTO_READ_BUSY (-102)         /* the writer's task is in the middle of a piece: nothing read, try later */
#define OCTO_READ_UNAVAILABLE (-103)  /* no durable reader on this file (not preallocated, or the open failed) */

typedef struct
{
    uint64_t position;  /* sector-aligned file position the read starts at */
    uint32_t sectors;   /* whole sectors read: one card command */
    uint32_t skip;      /* bytes of the first sector before the caller's first byte */
    uint32_t bytes;     /* bytes copied out to the caller (0: nothing to read) */
} octo_read_plan;

/* Clusters that hold size bytes (cluster_bytes > 0). */
uint32_t octo_read_clusters_for(uint64_t size, uint32_t cluster_bytes);

/*
 * Fills a cluster link map (items long) for one contiguous run of clusters clusters from
 * start_cluster: {items, clusters, start_cluster, 0}. Returns the items used (4), or 0 when the
 * table is too small, the run is empty or start_cluster is not a data cluster (< 2).
 */
uint32_t octo_read_clmt_fill(uint32_t *table, uint32_t items, uint32_t start_cluster, uint32_t clusters);

/* The cluster a file offset lies in by a link map (FatFs's clmt_clust); 0 beyond the table. */
uint32_t octo_read_clmt_cluster(const uint32_t *table, uint64_t offset, uint32_t cluster_bytes);

/*
 * The read of count bytes at file offset offset: below durable and below run_bytes (rounded down
 * to a sector), not past the end of offset's cluster, within buffer_bytes (a multiple of the
 * sector, at least one) from the sector-aligned start. Returns plan->bytes: 0 when offset is at
 * or past the readable end or count is 0 (plan->sectors is then 0).
 */
uint32_t octo_read_plan_make(octo_read_plan *plan, uint64_t offset, uint32_t count, uint64_t durable,
                             uint64_t run_bytes, uint32_t cluster_bytes, uint32_t buffer_bytes);

/* ESP32 glue (take_read_esp32.c, not compiled here): opened by take_writer_open once the file is
   preallocated, closed by take_writer_close before the truncate. */
int take_read_open(const char *path);
void take_read_close(void);
int take_read_available(void);
int take_read_durable(uint64_t offset, uint8_t *out, uint32_t count);

#ifdef __cplusplus
}
#endif

#endif

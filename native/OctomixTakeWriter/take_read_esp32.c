/*
 * Octomix native durable read, the ESP32 part (ESP-IDF + FatFs), compiled only into a custom
 * nanoFramework image (README.md). NOT compiled or run on this project's machines: the
 * platform-free core (take_read.c) is what the host tests check.
 *
 * take_writer_open calls take_read_open once f_expand(fp, size, 1) has preallocated the take's
 * file as one contiguous run and f_sync has put the run and its size in the directory entry:
 * a second FIL, read-only, on the same file — which FatFs allows only with FF_FS_LOCK 0
 * (CONFIG_FATFS_FS_LOCK, 0 by default and in nf-interpreter's targets/ESP32/_IDF/sdkconfig.default;
 * with file locking on, f_open answers FR_LOCKED while the writer has the file open, and the box
 * falls back to the managed read) — gets a cluster link map filled by hand for that one run
 * (octo_read_clmt_fill: FatFs's own f_lseek(CREATE_LINKMAP) would walk the whole chain once, a FAT
 * sector per 128 clusters), so f_lseek anywhere in it reads no FAT sector. Fast seek must be
 * compiled in: FF_USE_FASTSEEK is CONFIG_FATFS_USE_FASTSEEK (components/fatfs/src/ffconf.h), not
 * set in nf-interpreter's sdkconfig.default: the custom image sets CONFIG_FATFS_USE_FASTSEEK=y.
 *
 * take_read_durable (the audio loop, one native call): takes the writer's FIL mutex without
 * waiting (take_writer_try_hold_card: the task between pieces, so FatFs's volume lock is free and
 * stays free for the read; while it writes a piece the call returns OCTO_READ_BUSY instead of
 * waiting ~15 ms on the volume lock), plans the read below the synced length (read under the mutex:
 * the task updates it there), f_lseek to the plan's sector-aligned position (the link map: no FAT
 * read; aligned: no sector read into the FIL's buffer), f_read of whole sectors into a 4-byte-aligned
 * DMA-capable internal buffer (FatFs hands them to disk_read in one call; ESP-IDF's sdmmc sends one
 * CMD17/CMD18 without its per-sector bounce), releases the mutex and copies the bytes out into the
 * caller's array. The FIL's own sector buffer is never used (whole sectors only), so it never holds
 * a stale copy of a sector the writer rewrote.
 */
#include "take_read.h"
#include "ff.h"
#include "esp_heap_caps.h"
#include <string.h>

#if !FF_USE_FASTSEEK
#error "the durable read needs FatFs's fast seek: set CONFIG_FATFS_USE_FASTSEEK=y in the image's sdkconfig (README.md)"
#endif

int take_writer_try_hold_card(void);
void take_writer_release_card(void);
uint64_t take_writer_synced(void);

#if FF_MAX_SS != FF_MIN_SS
#define SECTOR_BYTES(fs) ((uint32_t)(fs)->ssize)
#else
#define SECTOR_BYTES(fs) ((uint32_t)FF_MAX_SS)
#endif

static struct
{
    FIL file;
    DWORD clmt[OCTO_READ_CLMT_ITEMS];
    uint8_t *buffer;      /* OCTO_READ_BUFFER_BYTES of DMA-capable internal RAM */
    uint64_t run_bytes;   /* the preallocated size the FIL saw at f_open (FatFs clamps reads to it) */
    uint32_t cluster_bytes;
    int open;
} r;

int take_read_open(const char *path)
{
    take_read_close();
    if (f_open(&r.file, path, FA_READ) != FR_OK)
    {
        return OCTO_READ_UNAVAILABLE; /* FR_LOCKED with FF_FS_LOCK > 0: the managed read serves instead */
    }

    FATFS *fs = r.file.obj.fs;
    r.cluster_bytes = (uint32_t)fs->csize * SECTOR_BYTES(fs);
    r.run_bytes = r.file.obj.objsize;
    uint32_t clusters = octo_read_clusters_for(r.run_bytes, r.cluster_bytes);
    r.buffer = heap_caps_malloc(OCTO_READ_BUFFER_BYTES, MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL);
    if (SECTOR_BYTES(fs) != OCTO_READ_SECTOR || r.buffer == NULL
        || octo_read_clmt_fill((uint32_t *)r.clmt, OCTO_READ_CLMT_ITEMS, r.file.obj.sclust, clusters) == 0)
    {
        f_close(&r.file);
        heap_caps_free(r.buffer);
        r.buffer = NULL;
        return OCTO_READ_UNAVAILABLE;
    }

    r.file.cltbl = r.clmt; /* fast seek from now on: f_lseek and f_read take clusters from the table */
    r.open = 1;
    return 0;
}

void take_read_close(void)
{
    if (!r.open)
    {
        return;
    }

    f_close(&r.file); /* read-only: nothing to write */
    heap_caps_free(r.buffer);
    r.buffer = NULL;
    r.open = 0;
}

int take_read_available(void)
{
    return r.open;
}

/* Bytes read (0: offset at or past the durable length), OCTO_READ_BUSY, OCTO_READ_UNAVAILABLE or a negative FRESULT. */
int take_read_durable(uint64_t offset, uint8_t *out, uint32_t count)
{
    if (!r.open)
    {
        return OCTO_READ_UNAVAILABLE;
    }

    if (!take_writer_try_hold_card())
    {
        return OCTO_READ_BUSY;
    }

    octo_read_plan plan;
    uint32_t n = octo_read_plan_make(&plan, offset, count, take_writer_synced(), r.run_bytes, r.cluster_bytes, OCTO_READ_BUFFER_BYTES);
    int result = 0;
    if (n > 0)
    {
        UINT got = 0;
        FRESULT fr = f_lseek(&r.file, (FSIZE_t)plan.position);
        if (fr == FR_OK)
        {
            fr = f_read(&r.file, r.buffer, plan.sectors * OCTO_READ_SECTOR, &got);
        }

        if (fr != FR_OK)
        {
            result = -(int)fr;
        }
        else
        {
            uint32_t have = got > plan.skip ? (uint32_t)got - plan.skip : 0;
            result = (int)(have < n ? have : n);
        }
    }

    take_writer_release_card();
    if (result > 0)
    {
        memcpy(out, r.buffer + plan.skip, (size_t)result);
    }

    return result;
}

/*
 * Octomix native take writer, the ESP32 part (ESP-IDF + FatFs), compiled only into a custom
 * nanoFramework image (README.md). NOT compiled or run on this project's machines: the
 * platform-free core (take_ring.c) is what the host tests check.
 *
 * One take file at a time. take_writer_open: f_open(FA_CREATE_ALWAYS | FA_WRITE | FA_READ), then
 * f_expand(fp, preallocate, 1) — a contiguous cluster run, so the take's writes touch no FAT or
 * FSInfo sector (FF_USE_EXPAND must be 1 in the image's ffconf.h: to check), f_lseek back to 0;
 * the ring (heap_caps_malloc(MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL): ESP-IDF's sdmmc then sends
 * each piece as one CMD25 multi-block write, no bounce buffer, components/sdmmc/sdmmc_cmd.c);
 * the task, pinned to core 0 (the nanoCLR runs on core 1), priority below lwIP's.
 * The task waits on a notification the producer gives when a piece is ready, writes it with
 * f_write, f_syncs when octo_ring_piece_written says so, and keeps the first error sticky.
 * take_writer_close drains, f_truncate at the position (the unused preallocation back to the
 * FAT), f_close, stops the task and frees the ring.
 *
 * The durable header (take_header.h): f_expand with opt=1 also sets the file's size, so each
 * f_sync of the take commits a directory entry that says the whole preallocation — the length
 * tells nothing after a power cut. Before each f_sync the task rewrites the header sectors that
 * hold the RIFF and data sizes (its copies, captured from the first piece) through a second FIL on
 * the same file (f_lseek inside the first cluster: no chain walk; whole aligned sectors from
 * DMA-capable RAM: one CMD24 each), so the header always declares what is synced. No header
 * handle (FF_FS_LOCK > 0 refuses the second open): the preallocation is given back at once and
 * the take records unpreallocated (its f_syncs then commit the real length, as before).
 */
#include "take_ring.h"
#include "take_header.h"
#include "take_read.h"
#include "ff.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "freertos/semphr.h"
#include "esp_heap_caps.h"
#include <string.h>

#define OCTO_ERR_NO_MEMORY (-100)
#define OCTO_ERR_BUSY (-101)

static struct
{
    FIL file;
    FIL header_file;          /* the same file, for the header sectors' rewrites (take_header.h) */
    int header_open;
    octo_header header;
    octo_ring ring;
    uint8_t *storage;
    TaskHandle_t task;
    SemaphoreHandle_t idle;   /* given by the task when the ring is empty after a drain request */
    SemaphoreHandle_t lock;   /* the FIL: the task or a draining caller */
    volatile int drain;
    volatile int stop;
    volatile int error;       /* first FRESULT (negated), sticky */
    volatile uint64_t synced;
    int open;
} w;

/* Before an f_sync: the header copies set to what the sync makes durable and written back
   (the task, or a Flush holding the lock). Best effort: a failed rewrite disarms, and the header
   then says the last durable length it managed (the repair truncates the file to that). */
static void header_rewrite(uint64_t synced)
{
    uint32_t k = w.header_open ? octo_header_patch(&w.header, synced) : 0;
    for (uint32_t i = 0; i < k; i++)
    {
        UINT done = 0;
        if (f_lseek(&w.header_file, w.header.sector_at[i]) != FR_OK
            || f_write(&w.header_file, w.header.sectors + (i * OCTO_HEADER_SECTOR), OCTO_HEADER_SECTOR, &done) != FR_OK
            || done != OCTO_HEADER_SECTOR)
        {
            octo_header_disarm(&w.header);
            return;
        }
    }
}

/* After f_expand + f_sync: the header handle, or (none) the preallocation given back. */
static void header_open(const char *path)
{
    if (f_open(&w.header_file, path, FA_WRITE | FA_OPEN_EXISTING) == FR_OK)
    {
        w.header_open = 1;
        return;
    }

    f_truncate(&w.file); /* at 0: without a durable header, a preallocated length would read as audio */
    f_sync(&w.file);
}

/* Closed before the take file's f_truncate: its own close commits the directory entry with the
   size it saw at its open (the preallocation), which the take file's close then corrects. */
static void header_close(void)
{
    if (w.header_open)
    {
        f_close(&w.header_file);
        w.header_open = 0;
    }
}

static void writer_task(void *arg)
{
    (void)arg;
    for (;;)
    {
        ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(100));
        xSemaphoreTake(w.lock, portMAX_DELAY);
        for (;;)
        {
            const uint8_t *p;
            uint32_t n = octo_ring_next_piece(&w.ring, w.drain, &p);
            if (n == 0 || w.error != 0)
            {
                break;
            }

            UINT done = 0;
            uint64_t at = w.ring.file_position;
            FRESULT fr = f_write(&w.file, p, n, &done);
            if (fr != FR_OK || done != n)
            {
                /* sticky for appends; the ring is dropped so the in-place calls that close the
                   file (sizes, f_sync, f_truncate) still work. A full card loses the piece's rest. */
                w.error = fr != FR_OK ? -(int)fr : -(int)FR_DENIED; /* FR_DENIED: the volume is full */
                w.ring.file_position += done;
                w.ring.tail = w.ring.head;
                break;
            }

            __sync_synchronize();
            octo_header_capture(&w.header, p, n, at); /* the first piece: the header's sectors */
            if (octo_ring_piece_written(&w.ring, n))
            {
                header_rewrite(w.ring.file_position);
                fr = f_sync(&w.file);
                if (fr != FR_OK)
                {
                    w.error = -(int)fr;
                    break;
                }

                octo_ring_synced(&w.ring);
                w.synced = w.ring.file_position;
            }
        }

        int empty = octo_ring_used(&w.ring) == 0 || w.error != 0;
        xSemaphoreGive(w.lock);
        if (w.drain && empty)
        {
            w.drain = 0;
            xSemaphoreGive(w.idle);
        }

        if (w.stop)
        {
            xSemaphoreGive(w.idle);
            vTaskDelete(NULL);
        }
    }
}

int take_writer_open(const char *path, uint32_t piece_bytes, uint32_t ring_pieces, uint32_t sync_bytes, uint32_t preallocate_mb)
{
    if (w.open)
    {
        return OCTO_ERR_BUSY;
    }

    memset(&w, 0, sizeof(w));
    FRESULT fr = f_open(&w.file, path, FA_CREATE_ALWAYS | FA_WRITE | FA_READ);
    if (fr != FR_OK)
    {
        return -(int)fr;
    }

    if (preallocate_mb > 0)
    {
        /* best effort: a card without a contiguous run that long records unpreallocated */
        if (f_expand(&w.file, (FSIZE_t)preallocate_mb << 20, 1) == FR_OK)
        {
            /* the directory entry gets the run and its size now: a read handle opened for
               progressive collection (FatFs clamps its reads to the size it sees at f_open) reads
               every byte this writer syncs, and a power cut before the first sync leaks no clusters */
            f_sync(&w.file);
            f_lseek(&w.file, 0);
            header_open(path);
            if (w.header_open)
            {
                /* the durable read's own FIL on the one run (take_read_esp32.c); best effort. Not
                   without the durable header: header_open then gave the preallocation back */
                take_read_open(path);
            }
        }
    }

    uint32_t capacity = piece_bytes * ring_pieces;
    /* the ring, then the header's two sector copies (DMA-capable too: the rewrites are CMD24s from them) */
    w.storage = heap_caps_malloc(capacity + (2 * OCTO_HEADER_SECTOR), MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL);
    w.idle = xSemaphoreCreateBinary();
    w.lock = xSemaphoreCreateMutex();
    if (w.storage == NULL || w.idle == NULL || w.lock == NULL || octo_ring_init(&w.ring, w.storage, capacity, piece_bytes, sync_bytes, 0) != 0)
    {
        header_close();
        take_read_close();
        f_close(&w.file);
        heap_caps_free(w.storage);
        return OCTO_ERR_NO_MEMORY;
    }

    octo_header_init(&w.header, w.storage + capacity);

    xTaskCreatePinnedToCore(writer_task, "octo-take", 4096, NULL, 5, &w.task, 0);
    w.open = 1;
    return 0;
}

/* The audio loop's call: one memcpy. count, 0 (ring full) or the sticky error. */
int take_writer_append(const uint8_t *p, uint32_t n)
{
    if (w.error != 0)
    {
        return w.error;
    }

    uint32_t r = octo_ring_append(&w.ring, p, n);
    __sync_synchronize();
    xTaskNotifyGive(w.task);
    return (int)r;
}

/* Waits until the task has written everything (Flush, seek, read, close: never in the steady state). */
int take_writer_drain(void)
{
    w.drain = 1;
    xTaskNotifyGive(w.task);
    xSemaphoreTake(w.idle, portMAX_DELAY);
    return w.error;
}

int take_writer_flush(void)
{
    take_writer_drain(); /* a sticky append error does not stop the sync of what is on the card */
    xSemaphoreTake(w.lock, portMAX_DELAY);
    header_rewrite(w.ring.file_position);
    FRESULT fr = f_sync(&w.file);
    octo_ring_synced(&w.ring);
    w.synced = w.ring.file_position;
    xSemaphoreGive(w.lock);
    return fr == FR_OK ? 0 : -(int)fr;
}

/* The header sizes at close: drained, then a plain write in place (its digest is not the audio's). */
int take_writer_seek(uint64_t position)
{
    /* the managed writer sets the sizes in place from now on (close, split, card error). A read
       during the take must not come through here: it would end the durable header for the take */
    octo_header_disarm(&w.header);
    take_writer_drain();
    FRESULT fr = f_lseek(&w.file, (FSIZE_t)position);
    w.ring.file_position = position; /* the ring is empty: the next append starts there */
    return fr == FR_OK ? 0 : -(int)fr;
}

int take_writer_close(void)
{
    take_read_close(); /* before the truncate gives the run's rest back */
    int e = take_writer_drain();
    xSemaphoreTake(w.lock, portMAX_DELAY);
    header_close();
    FRESULT fr = f_truncate(&w.file); /* at the position: the preallocation's rest goes back */
    FRESULT fc = f_close(&w.file);
    xSemaphoreGive(w.lock);
    w.stop = 1;
    xTaskNotifyGive(w.task);
    xSemaphoreTake(w.idle, portMAX_DELAY);
    heap_caps_free(w.storage);
    vSemaphoreDelete(w.idle);
    vSemaphoreDelete(w.lock);
    w.open = 0;
    if (e != 0)
    {
        return e;
    }

    return fr != FR_OK ? -(int)fr : fc != FR_OK ? -(int)fc : 0;
}

const octo_ring *take_writer_ring(void)
{
    return &w.ring;
}

uint64_t take_writer_synced(void)
{
    return w.synced;
}

/* The loop's progressive read (its own FIL, through FatFs's volume lock): 1 when the task is
   between pieces — holding the FIL's mutex, the loop keeps the task from starting a piece write or
   an f_sync until take_writer_release_card — 0 while it writes one. Never blocks: a read that met
   the task's f_write would wait on the volume lock for the whole piece (~15 ms for 32 KB). The
   mutex is taken and given by the nanoCLR's task, as FreeRTOS requires. */
int take_writer_try_hold_card(void)
{
    return w.open && xSemaphoreTake(w.lock, 0) == pdTRUE ? 1 : 0;
}

void take_writer_release_card(void)
{
    xSemaphoreGive(w.lock);
}

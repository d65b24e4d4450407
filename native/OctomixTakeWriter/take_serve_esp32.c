/*
 * Octomix native file server, the ESP32 part (ESP-IDF + FatFs), compiled only into a custom
 * nanoFramework image (README.md). NOT compiled or run on this project's machines: the
 * platform-free core (take_serve.c) is what the host tests check.
 *
 * One file at a time, never while the take writer is open (they share the internal RAM budget;
 * the managed side drops its requests when a take starts). take_serve_open: f_open(FA_READ), the
 * slots (heap_caps_malloc(MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL): 4 × (16 KB + 4) ≈ 64 KB), the
 * task pinned to core 0 (the nanoCLR runs on core 1), priority below lwIP's. The task waits on a
 * notification (given by take_serve_queue and by take_serve_fill when it freed a slot), asks the
 * core for the next read, f_lseek + f_read into the slot outside the lock: FatFs hands the whole
 * sectors to disk_read with the slot's 4-byte aligned, DMA-capable address, so ESP-IDF's sdmmc
 * sends one CMD18 multi-block read for them (no bounce buffer; components/sdmmc/sdmmc_cmd.c) —
 * a read never crosses a 16 KB multiple of the file, so it stays inside one 32 KB cluster; a
 * request's unaligned first and last sector go through FatFs's sector buffer (one CMD17 each).
 * Seeks: take_serve_open gives the FIL a cluster link map (FF_USE_FASTSEEK, f_lseek with
 * CREATE_LINKMAP): that walks the chain once, as the task starts (one FAT sector read per 128
 * clusters: ~21 for a 5-minute 48 kHz 24-bit stereo take, ~11 ms), and every later f_lseek /
 * f_read takes its clusters from the map, so a request anywhere in the file reads no FAT sector
 * (a gap near the end of a long take would otherwise walk the whole chain, per request). A file
 * in more than OCTO_SERVE_CLMT_FRAGMENTS pieces (the take writer's are one run) or an image
 * without fast seek serves with plain seeks. A read error is sticky: take_serve_fill returns it.
 * take_serve_close stops the task, frees the slots and closes the file.
 */
#include "take_serve.h"
#include "ff.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "freertos/semphr.h"
#include "esp_heap_caps.h"
#include <string.h>

#define OCTO_SERVE_PIECE 16384u
#define OCTO_SERVE_SLOTS 4u
#define OCTO_ERR_NO_MEMORY (-100)
#define OCTO_ERR_BUSY (-101)
#define OCTO_SERVE_CLMT_FRAGMENTS 32u
#define OCTO_SERVE_CLMT_ITEMS (2u * OCTO_SERVE_CLMT_FRAGMENTS + 2u) /* size, (length, start) pairs, 0 */

static struct
{
    FIL file;
#if FF_USE_FASTSEEK
    DWORD clmt[OCTO_SERVE_CLMT_ITEMS];
#endif
    octo_serve core;
    uint8_t *storage;
    TaskHandle_t task;
    SemaphoreHandle_t stopped;
    portMUX_TYPE lock;       /* around every core call: short, no I/O */
    volatile int stop;
    volatile int error;      /* first FRESULT (negated), sticky */
    int open;
} sv = { .lock = portMUX_INITIALIZER_UNLOCKED };

/* The cluster link map, made by the task before its first read (not in take_serve_open, which
   runs in the audio loop: the walk reads ~21 FAT sectors for a 5-minute take). */
static void serve_link_map(void)
{
#if FF_USE_FASTSEEK
    sv.clmt[0] = OCTO_SERVE_CLMT_ITEMS;
    sv.file.cltbl = sv.clmt;
    FRESULT fr = f_lseek(&sv.file, CREATE_LINKMAP);
    if (fr != FR_OK)
    {
        /* FR_NOT_ENOUGH_CORE: more fragments than the map holds; a card error shows again at the
           first read. A partial map must not stay on the FIL (FatFs would take clusters from it):
           plain seeks, from the first cluster */
        sv.file.cltbl = NULL;
    }
#endif
}

static void serve_task(void *arg)
{
    (void)arg;
    serve_link_map();
    while (!sv.stop)
    {
        uint64_t position;
        uint8_t *destination;
        uint32_t length;
        taskENTER_CRITICAL(&sv.lock);
        int due = sv.error == 0 && octo_serve_next_read(&sv.core, &position, &destination, &length);
        taskEXIT_CRITICAL(&sv.lock);
        if (!due)
        {
            ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(100));
            continue;
        }

        UINT got = 0;
        FRESULT fr = f_lseek(&sv.file, (FSIZE_t)position);
        if (fr == FR_OK)
        {
            fr = f_read(&sv.file, destination, length, &got);
        }

        if (fr != FR_OK || got != length)
        {
            sv.error = fr != FR_OK ? -(int)fr : OCTO_SERVE_ERR_READ;
        }

        __sync_synchronize();
        taskENTER_CRITICAL(&sv.lock);
        octo_serve_read_done(&sv.core, got);
        taskEXIT_CRITICAL(&sv.lock);
    }

    xSemaphoreGive(sv.stopped);
    vTaskDelete(NULL);
}

int take_serve_open(const char *path, uint32_t chunk_bytes)
{
    if (sv.open)
    {
        return OCTO_ERR_BUSY;
    }

    sv.stop = 0;
    sv.error = 0;
    FRESULT fr = f_open(&sv.file, path, FA_READ);
    if (fr != FR_OK)
    {
        return -(int)fr;
    }


    uint32_t bytes = OCTO_SERVE_SLOTS * (OCTO_SERVE_PIECE + 4u);
    sv.storage = heap_caps_malloc(bytes, MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL);
    sv.stopped = xSemaphoreCreateBinary();
    if (sv.storage == NULL || sv.stopped == NULL || octo_serve_init(&sv.core, sv.storage, bytes, OCTO_SERVE_PIECE, chunk_bytes) != 0)
    {
        f_close(&sv.file);
        heap_caps_free(sv.storage);
        if (sv.stopped != NULL)
        {
            vSemaphoreDelete(sv.stopped);
        }

        return OCTO_ERR_NO_MEMORY;
    }

    xTaskCreatePinnedToCore(serve_task, "octo-serve", 4096, NULL, 5, &sv.task, 0);
    sv.open = 1;
    return 0;
}

/* The loop's call per FileRequest: 0, or -1 when the queue is full. */
int take_serve_queue(uint32_t take_id, uint32_t part, uint64_t data_offset, uint32_t offset, uint32_t length)
{
    taskENTER_CRITICAL(&sv.lock);
    int r = octo_serve_queue(&sv.core, take_id, part, data_offset, offset, length);
    taskEXIT_CRITICAL(&sv.lock);
    xTaskNotifyGive(sv.task);
    return r;
}

/* The loop's call per datagram: its length, 0 when none is ready, or the sticky card error. */
int take_serve_fill(uint8_t *datagram, uint32_t bytes)
{
    if (sv.error != 0)
    {
        return sv.error;
    }

    taskENTER_CRITICAL(&sv.lock);
    uint32_t n = octo_serve_fill(&sv.core, datagram, bytes); /* ≤ 1,400 bytes copied: ~50 µs into PSRAM, under the lock */
    taskEXIT_CRITICAL(&sv.lock);
    xTaskNotifyGive(sv.task); /* a slot may be free now */
    return (int)n;
}

int take_serve_pending(void)
{
    taskENTER_CRITICAL(&sv.lock);
    int n = (int)octo_serve_pending(&sv.core);
    taskEXIT_CRITICAL(&sv.lock);
    return n;
}

int take_serve_close(void)
{
    if (!sv.open)
    {
        return 0;
    }

    sv.stop = 1;
    xTaskNotifyGive(sv.task);
    xSemaphoreTake(sv.stopped, portMAX_DELAY); /* after the read in flight, if any */
    vSemaphoreDelete(sv.stopped);
    heap_caps_free(sv.storage);
    FRESULT fr = f_close(&sv.file);
    sv.open = 0;
    return fr == FR_OK ? 0 : -(int)fr;
}
